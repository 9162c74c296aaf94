// Reference .pth checkpoints (tests/data/unet_pth, written with torch.save by
// tests/fixtures/make_unet_pth_fixtures.py): recognised bare or nested, architecture, classes and
// width inferred; their predictions match PyTorch's and equal those of the converted HDF5 twin;
// other files are refused with a message saying what was expected.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/checkpoint.h"
#include "ssl/inference/reference_checkpoint.h"
#include "ssl/inference/segmentation_checkpoint.h"
#include "ssl/inference/segmentation_inference.h"

namespace semisam {
namespace {

const std::string kPthDir = std::string(SEMISAM_TEST_DATA_DIR) + "/unet_pth/";
const Shape kShape{32, 32, 16};

template <typename T>
std::vector<T> read_bin(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::vector<T> values(count);
  in.read(reinterpret_cast<char*>(values.data()), std::streamsize(count * sizeof(T)));
  EXPECT_EQ(size_t(in.gcount()), count * sizeof(T)) << path;
  return values;
}

std::vector<uint8_t> predict(const std::string& ckpt) {
  ssl::SegmentationModel model = ssl::load_segmentation_model(ckpt, Device::cpu());
  const ssl::SlidingWindowOptions window =
      ssl::window_for(model, {32, 32, 16}, 32, 16, Device::cpu());
  Tensor image = Tensor::from_vector(read_bin<float>(kPthDir + "input.bin", 32 * 32 * 16), kShape);
  ssl::SlidingWindowResult result = ssl::sliding_window_predict(image, ssl::patch_predictor(model), window);
  const uint8_t* labels = result.label.data<uint8_t>();
  return std::vector<uint8_t>(labels, labels + result.label.numel());
}

struct Fixture {
  const char* name;
  const char* architecture;
  int64_t classes;
  const char* key;
};

TEST(ReferenceCheckpoint, StateDictsBareOrNestedPredictLikePyTorchAndTheirHdfTwin) {
  test::TempDir dir;
  for (const Fixture f : {Fixture{"unet3d_bare", "unet_3D", 2, ""},
                          Fixture{"unet3d_sdf_nested", "unet_3D_sdf", 3, "state_dict"},
                          Fixture{"unet3d_module", "unet_3D", 2, "model_state_dict"}}) {
    const std::string pth = kPthDir + f.name + ".pth";
    ASSERT_EQ(ssl::checkpoint_format(pth), ssl::CheckpointFormat::PyTorchZip);
    ssl::ReferenceStateDict dict = ssl::read_reference_state_dict(pth);
    EXPECT_EQ(dict.architecture, f.architecture) << f.name;
    EXPECT_EQ(dict.options.num_classes, f.classes) << f.name;
    EXPECT_EQ(dict.options.base_filters, 1) << f.name;
    EXPECT_EQ(dict.key, f.key) << f.name;

    ssl::SegmentationModel model = ssl::load_segmentation_model(pth, Device::cpu());
    EXPECT_EQ(model.num_classes, f.classes);
    EXPECT_EQ(model.patch_size, (std::array<int64_t, 3>{128, 128, 128}));
    EXPECT_NE(model.source.find(f.architecture), std::string::npos) << model.source;

    const std::vector<uint8_t> from_pth = predict(pth);
    const std::vector<uint8_t> torch = read_bin<uint8_t>(kPthDir + f.name + ".labels.bin", from_pth.size());
    size_t differ = 0;
    for (size_t v = 0; v < torch.size(); ++v) differ += from_pth[v] != torch[v];
    // float32 sums in another order may flip a voxel whose two classes tie to rounding.
    EXPECT_LE(differ, torch.size() / 1000) << f.name << ": " << differ << " voxels differ from PyTorch";
    std::printf("%s: %zu of %zu voxels differ from PyTorch\n", f.name, differ, torch.size());

    const std::string twin = dir.file(std::string(f.name) + ".h5");
    EXPECT_EQ(ssl::convert_reference_checkpoint(pth, twin, {32, 32, 16}, "test"), f.architecture);
    io::Checkpoint converted = io::read_checkpoint(twin);
    EXPECT_EQ(converted.architecture, f.architecture);
    EXPECT_EQ(converted.hyper_parameters.at("patch_z"), "16");
    EXPECT_EQ(ssl::load_segmentation_model(twin, Device::cpu()).patch_size,
              (std::array<int64_t, 3>{32, 32, 16}));
    EXPECT_EQ(predict(twin), from_pth) << f.name;
  }
}

TEST(ReferenceCheckpoint, OtherFilesAreRefusedSayingWhatWasExpected) {
  test::TempDir dir;
  EXPECT_ERROR_MENTIONS(ssl::load_segmentation_model(kPthDir + "not_a_unet.pth", Device::cpu()),
                        "not_a_unet.pth", "conv1.conv1.0.weight", "state_dict", "weights");
  // The SAM-Med3D checkpoint fixture: the message points at convert --sam_ckpt.
  EXPECT_ERROR_MENTIONS(
      ssl::load_segmentation_model(std::string(SEMISAM_TEST_DATA_DIR) + "/pth/checkpoint.pth", Device::cpu()),
      "checkpoint.pth", "semisam convert --sam_ckpt");
  std::ofstream(dir.file("notes.txt")) << "hello";
  EXPECT_ERROR_MENTIONS(ssl::load_segmentation_model(dir.file("notes.txt"), Device::cpu()),
                        "notes.txt", "neither", "HDF5", ".pth");
}

}  // namespace
}  // namespace semisam
