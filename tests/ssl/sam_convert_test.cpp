// Converting a SAM-Med3D .pth encoder to our HDF5 checkpoint and loading it back.
#include <gtest/gtest.h>

#include "common/temp_dir.h"
#include "common/test_util.h"
#include "kernels/copy.h"
#include "ssl/pseudo_labels/features.h"

namespace semisam {
namespace {

std::string fixture(const std::string& name) {
  return std::string(SEMISAM_TEST_DATA_DIR) + "/sam/" + name;
}

TEST(SamConvert, ConvertedEncoderLoadsTheSameWeightsAndComputesTheSame) {
  Generator g1(1), g2(2);
  models::SamImageEncoder from_pth(models::sam_tiny_options(), g1);
  ssl::load_sam_checkpoint(from_pth, fixture("tiny_encoder.pth"));
  test::TempDir dir;
  std::string path = dir.file("tiny_encoder.h5");
  ssl::save_sam_encoder(from_pth, path, "tiny_encoder.pth");

  models::SamImageEncoder from_h5(models::sam_tiny_options(), g2);
  ssl::load_sam_checkpoint(from_h5, path);
  auto a = from_pth.parameter_values(), b = from_h5.parameter_values();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_EQ(ops::to_vector<float>(a[i].second), ops::to_vector<float>(b[i].second)) << a[i].first;
  }
  Tensor x = test::random_tensor({1, 1, 32, 32, 32}, DType::Float32, 3);
  EXPECT_EQ(ops::to_vector<float>(from_pth.forward(x)), ops::to_vector<float>(from_h5.forward(x)));
}

TEST(SamConvert, AnotherConfigurationIsRefusedWithTheDifferingHyperParameter) {
  Generator g(1);
  models::SamImageEncoder tiny(models::sam_tiny_options(), g);
  ssl::load_sam_checkpoint(tiny, fixture("tiny_encoder.pth"));
  test::TempDir dir;
  std::string path = dir.file("tiny_for_other.h5");
  ssl::save_sam_encoder(tiny, path, "tiny_encoder.pth");
  models::SamEncoderOptions other = models::sam_tiny_options();
  other.window_size += 1;
  models::SamImageEncoder wider(other, g);
  try {
    ssl::load_sam_checkpoint(wider, path);
    FAIL() << "a checkpoint of another configuration was accepted";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_TRUE(what.find("window_size") != std::string::npos ||
                what.find("rel_pos") != std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace semisam
