// Legacy nearest resize (SPEC conventions) against index maps worked out by hand, including a size
// pair where PyTorch's float32 arithmetic reads one index below the exact quotient.
#include <gtest/gtest.h>

#include <vector>

#include "common/error_text.h"
#include "common/test_util.h"
#include "kernels/copy.h"
#include "ssl/pseudo_labels/nearest_resize.h"

namespace semisam {
namespace {

// A float32 [X, Y, Z] volume whose voxel (x, y, z) holds x·mx + y·my + z.
Tensor coded_volume(int64_t nx, int64_t ny, int64_t nz, float mx, float my) {
  std::vector<float> v;
  for (int64_t x = 0; x < nx; ++x)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t z = 0; z < nz; ++z) v.push_back(float(x) * mx + float(y) * my + float(z));
  return Tensor::from_vector(v, {nx, ny, nz});
}

TEST(NearestResize, EightToOneTwentyEightRepeatsEachCellSixteenTimes) {
  Tensor out = ssl::nearest_resize(coded_volume(8, 8, 8, 100, 10), {128, 128, 128});
  ASSERT_EQ(out.shape(), (Shape{128, 128, 128}));
  ASSERT_EQ(out.dtype(), DType::Float32);
  std::vector<float> o = ops::to_vector<float>(out);
  for (int64_t x = 0; x < 128; ++x)
    for (int64_t y = 0; y < 128; ++y)
      for (int64_t z = 0; z < 128; ++z)
        ASSERT_EQ(o[size_t((x * 128 + y) * 128 + z)],
                  float((x / 16) * 100 + (y / 16) * 10 + z / 16))
            << x << "," << y << "," << z;
}

TEST(NearestResize, OneTwentyEightToEightReadsEverySixteenthVoxel) {
  Tensor out = ssl::nearest_resize(coded_volume(128, 128, 128, 16384, 128), {8, 8, 8});
  ASSERT_EQ(out.shape(), (Shape{8, 8, 8}));
  std::vector<float> o = ops::to_vector<float>(out);
  for (int64_t x = 0; x < 8; ++x)
    for (int64_t y = 0; y < 8; ++y)
      for (int64_t z = 0; z < 8; ++z)
        EXPECT_EQ(o[size_t((x * 8 + y) * 8 + z)], float(16 * x * 16384 + 16 * y * 128 + 16 * z));
}

TEST(NearestResize, NonCubicUint8) {
  // 5 → 9: o·5/9 = 0, .56, 1.1, 1.7, 2.2, 2.8, 3.3, 3.9, 4.4; 7 → 4: 0, 1.75, 3.5, 5.25;
  // 3 → 6: 0, .5, 1, 1.5, 2, 2.5.
  const std::vector<int64_t> mx{0, 0, 1, 1, 2, 2, 3, 3, 4}, my{0, 1, 3, 5}, mz{0, 0, 1, 1, 2, 2};
  std::vector<uint8_t> v(5 * 7 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(i);
  Tensor out = ssl::nearest_resize(Tensor::from_vector(v, {5, 7, 3}), {9, 4, 6});
  ASSERT_EQ(out.shape(), (Shape{9, 4, 6}));
  ASSERT_EQ(out.dtype(), DType::UInt8);
  std::vector<uint8_t> o(out.data<uint8_t>(), out.data<uint8_t>() + out.numel());
  for (size_t x = 0; x < 9; ++x)
    for (size_t y = 0; y < 4; ++y)
      for (size_t z = 0; z < 6; ++z)
        EXPECT_EQ(o[(x * 4 + y) * 6 + z], v[size_t((mx[x] * 7 + my[y]) * 3 + mz[z])])
            << x << "," << y << "," << z;
}

TEST(NearestResize, FollowsPyTorchsFloat32IndexWhereItDiffersFromTheExactQuotient) {
  // (float)64/82 = 0.78048778 rounds below 64/82, so 41·scale = 31.999998 → 31 (exact: 32).
  // Likewise 80 → 92 at o = 69: 59.999996 → 59 (exact: 60).
  std::vector<float> x64(64), x80(80);
  for (size_t i = 0; i < 64; ++i) x64[i] = float(i);
  for (size_t i = 0; i < 80; ++i) x80[i] = float(i);
  std::vector<float> a = ops::to_vector<float>(
      ssl::nearest_resize(Tensor::from_vector(x64, {64, 1, 1}), {82, 1, 1}));
  EXPECT_EQ(a[40], 31.0f);  // 31.2
  EXPECT_EQ(a[41], 31.0f);
  EXPECT_EQ(a[42], 32.0f);  // 32.8
  EXPECT_EQ(a[81], 63.0f);  // 63.2
  std::vector<float> b = ops::to_vector<float>(
      ssl::nearest_resize(Tensor::from_vector(x80, {1, 80, 1}), {1, 92, 1}));
  EXPECT_EQ(b[69], 59.0f);
  EXPECT_EQ(b[70], 60.0f);  // 60.87
}

TEST(NearestResize, ChannelFormResizesEveryChannelAlike) {
  // 3 → 6 reads 0,0,1,1,2,2; 4 → 2 reads 0,2; 5 → 5 is the identity.
  const std::vector<int64_t> mx{0, 0, 1, 1, 2, 2}, my{0, 2};
  std::vector<float> v(2 * 3 * 4 * 5);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i) * 0.5f;
  Tensor out = ssl::nearest_resize(Tensor::from_vector(v, {2, 3, 4, 5}), {6, 2, 5});
  ASSERT_EQ(out.shape(), (Shape{2, 6, 2, 5}));
  std::vector<float> o = ops::to_vector<float>(out);
  for (size_t c = 0; c < 2; ++c)
    for (size_t x = 0; x < 6; ++x)
      for (size_t y = 0; y < 2; ++y)
        for (size_t z = 0; z < 5; ++z)
          EXPECT_EQ(o[((c * 6 + x) * 2 + y) * 5 + z],
                    v[size_t(((int64_t(c) * 3 + mx[x]) * 4 + my[y]) * 5 + int64_t(z))]);
}

TEST(NearestResize, KeepsWideIntegersAndReadsStridedViews) {
  const int64_t big = int64_t(1) << 40;
  std::vector<int64_t> v{big + 1, big + 2, big + 3, big + 4};
  Tensor out = ssl::nearest_resize(Tensor::from_vector(v, {2, 2, 1}), {4, 1, 2});
  EXPECT_EQ(ops::to_vector<int64_t>(out),
            (std::vector<int64_t>{big + 1, big + 1, big + 1, big + 1, big + 3, big + 3, big + 3,
                                  big + 3}));
  // A transposed view: element (x, y, z) of the view is v[y][x][z].
  Tensor t = Tensor::from_vector(v, {2, 2, 1}).permute({1, 0, 2});
  EXPECT_EQ(ops::to_vector<int64_t>(ssl::nearest_resize(t, {2, 1, 1})),
            (std::vector<int64_t>{big + 1, big + 2}));
}

TEST(NearestResize, RejectsBadShapes) {
  EXPECT_ERROR_MENTIONS(ssl::nearest_resize(Tensor::zeros({4, 4}, DType::UInt8), {2, 2, 2}),
                        "nearest_resize", "[4, 4]");
  EXPECT_ERROR_MENTIONS(ssl::nearest_resize(Tensor::zeros({4, 4, 4}, DType::UInt8), {2, 0, 2}),
                        "nearest_resize", "positive");
}

TEST(NearestResize, CudaMatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Tensor v = test::random_tensor({2, 7, 5, 9}, DType::Float32, 11);
  Tensor cpu = ssl::nearest_resize(v, {13, 4, 9});
  Tensor gpu = ssl::nearest_resize(ops::to_device(v, Device::cuda()), {13, 4, 9});
  EXPECT_TRUE(gpu.device().is_cuda());
  EXPECT_EQ(ops::to_vector<float>(gpu), ops::to_vector<float>(cpu));
}

}  // namespace
}  // namespace semisam
