// CUDA trilinear ×2 upsampling against the CPU reference, values and gradients, every float
// dtype, small odd shapes (size-1 axes included) and the U-Net's decoder sizes up to 128³.
// Skips without a GPU.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/upsample.h"

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

void check_upsample(const Shape& s, DType dtype, uint64_t seed) {
  test::PoisonGuard poison;
  Tensor x = ops::cast(test::random_tensor(s, DType::Float32, seed), dtype);
  Tensor want = ops::upsample_trilinear2x(x);
  EXPECT_LE(test::relative_error(cpu(ops::upsample_trilinear2x(gpu(x))), want), tolerance(dtype))
      << shape_str(s);
  Tensor g = ops::cast(test::random_tensor(want.shape(), DType::Float32, seed + 1), dtype);
  EXPECT_LE(test::relative_error(cpu(ops::upsample_trilinear2x_backward(gpu(g), s)),
                                 ops::upsample_trilinear2x_backward(g, s)),
            tolerance(dtype))
      << shape_str(s);
}

class UpsampleCuda : public ::testing::TestWithParam<DType> {};

TEST_P(UpsampleCuda, SmallShapesMatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  check_upsample({2, 3, 5, 4, 7}, GetParam(), 1);
  check_upsample({1, 2, 1, 3, 1}, GetParam(), 3);
  check_upsample({1, 1, 2, 2, 2}, GetParam(), 5);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, UpsampleCuda,
                         ::testing::Values(DType::Float32, DType::Float64, DType::BFloat16),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST(UpsampleCudaLayers, UNetDecoderSizes) {
  SEMISAM_SKIP_WITHOUT_GPU();
  check_upsample({2, 256, 8, 8, 8}, DType::Float32, 7);    // centre -> u4
  check_upsample({2, 32, 64, 64, 64}, DType::Float32, 9);  // u2 -> u1 at 128³
}

}  // namespace
}  // namespace semisam
