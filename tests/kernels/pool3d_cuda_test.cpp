// CUDA pooling against the CPU reference: values, indices (ties and NaN included) and gradients
// in every float dtype, at small odd shapes and at the U-Net's and discriminator's real sizes.
// Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/pool3d.h"

namespace semisam {
namespace {

Tensor gpu(const Tensor& t) { return ops::to_device(t, Device::cuda(0)); }
Tensor cpu(const Tensor& t) { return ops::to_device(t, Device::cpu()); }

double tolerance(DType dtype) {
  switch (dtype) {
    case DType::Float64: return 1e-12;
    case DType::Float32: return 1e-6;
    default: return 1e-2;
  }
}

// Element-for-element equality in which NaN equals NaN.
void expect_same_values(const Tensor& actual, const Tensor& expected) {
  std::vector<double> a = ops::to_vector<double>(actual), e = ops::to_vector<double>(expected);
  ASSERT_EQ(a.size(), e.size());
  size_t mismatches = 0, first = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::isnan(a[i]) && std::isnan(e[i])) && a[i] != e[i] && mismatches++ == 0) first = i;
  EXPECT_EQ(mismatches, 0u) << "first at element " << first << ": " << a[first] << " vs "
                            << e[first];
}

// check_average: off for inputs holding NaN (their averages are NaN, which never compares).
void check_pooling(const Tensor& x, const ops::Pool3dParams& p, uint64_t seed,
                   bool check_average = true) {
  test::PoisonGuard poison;
  DType dtype = x.dtype();
  ops::MaxPool3dResult want = ops::max_pool3d(x, p);
  ops::MaxPool3dResult got = ops::max_pool3d(gpu(x), p);
  EXPECT_EQ(ops::to_vector<int64_t>(got.indices), ops::to_vector<int64_t>(want.indices));
  expect_same_values(got.values, want.values);
  Tensor g = ops::cast(test::random_tensor(want.values.shape(), DType::Float32, seed), dtype);
  EXPECT_LE(test::relative_error(cpu(ops::max_pool3d_backward(gpu(g), got.indices, x.shape(), p)),
                                 ops::max_pool3d_backward(g, want.indices, x.shape(), p)),
            tolerance(dtype));
  if (!check_average) return;
  EXPECT_LE(test::relative_error(cpu(ops::avg_pool3d(gpu(x), p)), ops::avg_pool3d(x, p)),
            tolerance(dtype));
  EXPECT_LE(test::relative_error(cpu(ops::avg_pool3d_backward(gpu(g), x.shape(), p)),
                                 ops::avg_pool3d_backward(g, x.shape(), p)),
            tolerance(dtype));
}

class Pool3dCuda : public ::testing::TestWithParam<DType> {};

TEST_P(Pool3dCuda, SmallShapesMatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  DType dtype = GetParam();
  check_pooling(ops::cast(test::random_tensor({2, 3, 6, 5, 8}, DType::Float32, 1), dtype),
                ops::pool3d_cube(2), 2);
  check_pooling(ops::cast(test::random_tensor({1, 2, 7, 9, 5}, DType::Float32, 3), dtype),
                ops::Pool3dParams{{3, 2, 3}, {2, 1, 2}}, 4);
}

TEST_P(Pool3dCuda, TiesAndNaNPickTheSameIndicesAsCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  // Values rounded to {−1, 0, 1}: almost every window holds ties; some NaNs too.
  Tensor x = ops::cast(test::random_tensor({2, 4, 8, 8, 8}, DType::Float64, 5), DType::Float32);
  std::vector<float> v = ops::to_vector<float>(x);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = i % 97 == 0 ? NAN : std::round(std::max(-1.0f, std::min(1.0f, v[i])));
  check_pooling(ops::cast(Tensor::from_vector(v, x.shape()), GetParam()), ops::pool3d_cube(2), 6,
                false);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, Pool3dCuda,
                         ::testing::Values(DType::Float32, DType::Float64, DType::BFloat16),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST(Pool3dCudaLayers, UNetMaxPoolAt128AndDiscriminatorAvgPool) {
  SEMISAM_SKIP_WITHOUT_GPU();
  check_pooling(test::random_tensor({2, 16, 128, 128, 128}, DType::Float32, 7), ops::pool3d_cube(2),
                8);
  check_pooling(test::random_tensor({2, 512, 8, 8, 8}, DType::Float32, 9), ops::pool3d_cube(6), 10);
}

}  // namespace
}  // namespace semisam
