// Surfaces (medpy: mask XOR erosion, border value 0) and inner boundaries (skimage 'inner').
#include <gtest/gtest.h>

#include "eval/surface.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

using testing::Fixtures;

void expect_equal_masks(const Tensor& got, const std::vector<uint8_t>& want, const char* what) {
  ASSERT_EQ(size_t(got.numel()), want.size()) << what;
  int64_t mismatches = 0;
  for (size_t i = 0; i < want.size(); ++i) mismatches += got.data<uint8_t>()[i] != want[i];
  EXPECT_EQ(mismatches, 0) << what;
}

TEST(Surface, MatchesScipyErosionFixtures) {
  const Fixtures& fx = Fixtures::get();
  for (const char* name : {"blob", "full"}) {
    const Tensor mask = fx.mask(std::string("surface/") + name + "/mask");
    const Tensor want = fx.mask(std::string("surface/") + name + "/surface");
    expect_equal_masks(surface_voxels(mask), testing::host_values<uint8_t>(want), name);
  }
}

TEST(Surface, FullVolumeSurfaceIsItsBorder) {
  Tensor ones = Tensor::empty({3, 4, 5}, DType::UInt8);
  std::fill(ones.data<uint8_t>(), ones.data<uint8_t>() + ones.numel(), uint8_t(1));
  const Tensor s = surface_voxels(ones);
  const Tensor b = inner_boundary(ones);
  for (int64_t x = 0; x < 3; ++x)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t z = 0; z < 5; ++z) {
        const bool border = x == 0 || x == 2 || y == 0 || y == 3 || z == 0 || z == 4;
        EXPECT_EQ(s.data<uint8_t>()[(x * 4 + y) * 5 + z], border ? 1 : 0);
        EXPECT_EQ(b.data<uint8_t>()[(x * 4 + y) * 5 + z], 0);  // the border is not background
      }
}

TEST(Surface, InnerBoundaryMatchesSkimageFixture) {
  const Fixtures& fx = Fixtures::get();
  const Tensor batch = fx.mask("sdf/batch/mask");
  const Tensor want = fx.mask("sdf/batch/inner_boundary");
  const int64_t n = batch.numel() / batch.size(0);
  for (int64_t b = 0; b < batch.size(0); ++b) {
    const Tensor got = inner_boundary(batch[b]);
    const std::vector<uint8_t> all = testing::host_values<uint8_t>(want);
    expect_equal_masks(got, std::vector<uint8_t>(all.begin() + b * n, all.begin() + (b + 1) * n),
                       "inner boundary sample");
  }
}

TEST(Surface, RejectsBadArguments) {
  EXPECT_THROW(surface_voxels(Tensor::zeros({2, 3, 4, 5}, DType::UInt8)), Error);
  EXPECT_THROW(inner_boundary(Tensor::zeros({3, 4, 5}, DType::Int32)), Error);
}

}  // namespace
}  // namespace semisam::eval
