// SPEC §3 step 1 helpers: centre crop geometry, global feature, loading the encoder from a
// SAM-Med3D .pth (tests/data/sam, made by tests/fixtures/make_sam_fixtures.py), the feature cache.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "common/test_util.h"
#include "io/h5_file.h"
#include "kernels/copy.h"
#include "tensor/memory.h"
#include "ssl/pseudo_labels/features.h"

namespace semisam {
namespace {

std::string sam_fixture(const std::string& name) {
  return std::string(SEMISAM_TEST_DATA_DIR) + "/sam/" + name;
}

TEST(SamFeatures, CentreCropPadsShortAxesAndCentresLongOnes) {
  ssl::CentreCrop c = ssl::centre_crop({100, 128, 161}, 128);
  EXPECT_EQ(c.pad_before, (std::array<int64_t, 3>{14, 0, 0}));
  EXPECT_EQ(c.pad_after, (std::array<int64_t, 3>{14, 0, 0}));
  EXPECT_EQ(c.start, (std::array<int64_t, 3>{0, 0, 16}));
  c = ssl::centre_crop({5, 4, 7}, 4);  // odd padding: p//2 before, the rest after
  EXPECT_EQ(c.pad_before[0], 0);
  EXPECT_EQ(c.start[0], 0);
  ssl::CentreCrop odd = ssl::centre_crop({3, 4, 4}, 6);
  EXPECT_EQ(odd.pad_before[0], 1);
  EXPECT_EQ(odd.pad_after[0], 2);
}

TEST(SamFeatures, PadAndCropPlacesVoxelsWhereSpecSays) {
  std::vector<float> v(3 * 5 * 4);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i + 1);
  Tensor vol = Tensor::from_vector(v, {3, 5, 4});
  ssl::CentreCrop c = ssl::centre_crop(vol.shape(), 4);  // pad x 0/1, crop y from 0, keep z
  Tensor out = ssl::pad_and_crop(vol, c);
  ASSERT_EQ(out.shape(), (Shape{4, 4, 4}));
  std::vector<float> o = ops::to_vector<float>(out);
  for (int64_t x = 0; x < 4; ++x)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t z = 0; z < 4; ++z) {
        const int64_t sx = x - c.pad_before[0], sy = y + c.start[1];
        const float want = sx >= 0 && sx < 3 ? v[size_t((sx * 5 + sy) * 4 + z)] : 0.0f;
        ASSERT_EQ(o[size_t((x * 4 + y) * 4 + z)], want) << x << "," << y << "," << z;
      }
}

TEST(SamFeatures, GlobalFeatureIsTheNormalisedSpatialMean) {
  Tensor f = test::random_tensor({6, 2, 2, 2}, DType::Float32, 3);
  std::vector<float> fv = ops::to_vector<float>(f), g = ops::to_vector<float>(ssl::global_feature(f));
  double norm = 0;
  std::vector<double> mean(6, 0.0);
  for (size_t c = 0; c < 6; ++c) {
    for (size_t i = 0; i < 8; ++i) mean[c] += fv[c * 8 + i] / 8.0;
    norm += mean[c] * mean[c];
  }
  for (size_t c = 0; c < 6; ++c) EXPECT_NEAR(g[c], mean[c] / std::sqrt(norm), 1e-6);
}

TEST(SamFeatures, ExtractsFromACheckpointAndCachesRoundTrip) {
  Generator gen(1);
  models::SamImageEncoder enc(models::sam_tiny_options(), gen);
  ssl::load_sam_checkpoint(enc, sam_fixture("tiny_encoder.pth"));
  io::h5::File fx = io::h5::File::open(sam_fixture("tiny_encoder.h5"));
  Tensor input = fx.root().open_dataset("input").read(DType::Float32).view({32, 32, 32});
  Tensor want = fx.root().open_dataset("output").read(DType::Float64);
  // A 32³ image needs no crop, so the features are the fixture's output.
  ssl::CaseFeatures f = ssl::extract_features(enc, "case0", input, Device::cpu());
  EXPECT_LT(test::relative_error(f.spatial, want.view({16, 4, 4, 4})), 1e-5);
  ASSERT_EQ(f.global.shape(), (Shape{16}));

  test::TempDir dir;
  const std::string path = dir.file("sam_features_cache.h5");
  ssl::FeatureSource source{"tiny", "tiny_encoder.pth", 32};
  ssl::write_feature_cache(path, source, {f});
  auto back = ssl::read_feature_cache(path, source, {"case0"});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(test::relative_error(back[0].spatial, f.spatial), 0.0);
  EXPECT_EQ(test::relative_error(back[0].global, f.global), 0.0);
  ssl::FeatureSource other = source;
  other.checkpoint = "random(seed=1)";
  EXPECT_THROW(ssl::read_feature_cache(path, other, {"case0"}), Error);
  EXPECT_THROW(ssl::read_feature_cache(path, source, {"case1"}), Error);
  // The same checkpoint spelled another way (as `extract` and `train --features` may) is the same.
  ssl::FeatureSource respelled = source;
  respelled.checkpoint = "./tiny_encoder.pth";
  EXPECT_EQ(ssl::read_feature_cache(path, respelled, {"case0"}).size(), 1u);
}

TEST(SamFeatures, MissingCheckpointIsAnError) {
  Generator gen(1);
  models::SamImageEncoder enc(models::sam_tiny_options(), gen);
  EXPECT_THROW(ssl::load_sam_checkpoint(enc, sam_fixture("missing.pth")), Error);
}

// Issue 15, defect 3: `convert` read a 1.7 KB .pth whose stride-0 tensor expands to 2 GiB
// before comparing names and shapes with the encoder. Now the comparison comes first and names
// the key; nothing is allocated for the tensor.
TEST(SamFeatures, CheckpointNamesAndShapesAreComparedBeforeAnyTensorIsRead) {
  Generator gen(1);
  models::SamImageEncoder enc(models::sam_tiny_options(), gen);
  const std::string path = std::string(SEMISAM_TEST_DATA_DIR) + "/pth/expanded_view.pth";
  reset_peak_memory(Device::cpu());
  const size_t before = memory_stats(Device::cpu()).current_bytes;
  std::string message = test::error_of([&] { ssl::load_sam_checkpoint(enc, path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("do not match the model"), std::string::npos) << message;
  EXPECT_NE(message.find("'pos_embed' expected"), std::string::npos) << message;
  EXPECT_NE(message.find("found [32768, 16384]"), std::string::npos) << message;
  EXPECT_LT(memory_stats(Device::cpu()).peak_bytes, before + (size_t(1) << 20));
}

}  // namespace
}  // namespace semisam
