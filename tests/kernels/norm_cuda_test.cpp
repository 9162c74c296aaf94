// Normalisations, CUDA against the CPU reference: values and gradients in float32 and bfloat16,
// odd shapes, multi-chunk planes and the U-Net's real 2×16×128³. Skips without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/norm.h"

namespace semisam {
namespace {

double tolerance(DType dtype) { return dtype == DType::Float32 ? 1e-5 : 1e-2; }
Tensor gpu(const Tensor& t) { return ops::to_device(t, Device::cuda()); }
Tensor host(const Tensor& t) { return ops::to_device(t, Device::cpu()); }

// Largest |a − b|: plane means of unit-variance data sit near 0, where a relative error says
// little, so they are compared in absolute terms.
double max_abs_diff(const Tensor& a, const Tensor& b) {
  std::vector<double> va = ops::to_vector<double>(a), vb = ops::to_vector<double>(b);
  double worst = va.size() == vb.size() ? 0.0 : INFINITY;
  for (size_t i = 0; i < va.size() && i < vb.size(); ++i)
    worst = std::isnan(va[i]) ? INFINITY : std::max(worst, std::abs(va[i] - vb[i]));
  return worst;
}

// Runs instance norm (+ReLU) forward and backward on CUDA in `dtype` and on the CPU in float64
// from the same rounded inputs.
void check_instance_norm(const Shape& shape, DType dtype, bool relu, uint64_t seed) {
  test::PoisonGuard poison;
  Tensor x = ops::cast(test::random_tensor(shape, DType::Float32, seed), dtype);
  Tensor g = ops::cast(test::random_tensor(shape, DType::Float32, seed + 1), dtype);
  Tensor x64 = ops::cast(x, DType::Float64), g64 = ops::cast(g, DType::Float64);
  ops::NormResult ref = ops::instance_norm(x64, 1e-5, relu);
  Tensor dref = ops::instance_norm_backward(g64, x64, ref.mean, ref.rstd, relu);
  ops::NormResult r = ops::instance_norm(gpu(x), 1e-5, relu);
  Tensor d = ops::instance_norm_backward(gpu(g), gpu(x), r.mean, r.rstd, relu);
  std::string what = shape_str(shape) + " " + dtype_name(dtype) + (relu ? " relu" : "");
  EXPECT_LT(test::relative_error(host(r.out), ref.out), tolerance(dtype)) << what;
  EXPECT_LT(max_abs_diff(host(r.mean), ref.mean), 1e-5) << what;
  EXPECT_LT(test::relative_error(host(r.rstd), ref.rstd), 1e-5) << what;
  EXPECT_LT(test::relative_error(host(d), dref), tolerance(dtype)) << what;
}

TEST(NormCuda, InstanceNormSmallAndMultiChunk) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (DType dtype : {DType::Float32, DType::BFloat16})
    for (bool relu : {false, true}) {
      check_instance_norm({2, 3, 5, 7, 9}, dtype, relu, 1);
      check_instance_norm({1, 2, 33, 33, 33}, dtype, relu, 2);  // 35937 voxels: 5 chunks
    }
}

TEST(NormCuda, InstanceNormUNetShape) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (DType dtype : {DType::Float32, DType::BFloat16})
    check_instance_norm({2, 16, 128, 128, 128}, dtype, true, 3);
}

TEST(NormCuda, InstanceNormIsDeterministic) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Tensor x = gpu(test::random_tensor({2, 4, 40, 40, 40}, DType::Float32, 4));
  ops::NormResult a = ops::instance_norm(x, 1e-5, true), b = ops::instance_norm(x, 1e-5, true);
  EXPECT_EQ(ops::to_vector<float>(a.rstd), ops::to_vector<float>(b.rstd));
  EXPECT_EQ(ops::to_vector<float>(a.out), ops::to_vector<float>(b.out));
}

void check_layer_norm(const Shape& shape, int64_t axis, DType dtype, uint64_t seed) {
  test::PoisonGuard poison;
  int64_t features = shape[size_t(axis < 0 ? int64_t(shape.size()) + axis : axis)];
  Tensor x = ops::cast(test::random_tensor(shape, DType::Float32, seed), dtype);
  Tensor g = ops::cast(test::random_tensor(shape, DType::Float32, seed + 1), dtype);
  Tensor w = test::random_tensor({features}, DType::Float32, seed + 2);
  Tensor b = test::random_tensor({features}, DType::Float32, seed + 3);
  Tensor x64 = ops::cast(x, DType::Float64), g64 = ops::cast(g, DType::Float64);
  Tensor w64 = ops::cast(w, DType::Float64), b64 = ops::cast(b, DType::Float64);
  ops::NormResult ref = ops::layer_norm(x64, w64, b64, axis);
  ops::LayerNormGrads dref = ops::layer_norm_backward(g64, x64, w64, ref.mean, ref.rstd, axis);
  ops::NormResult r = ops::layer_norm(gpu(x), gpu(w), gpu(b), axis);
  ops::LayerNormGrads d = ops::layer_norm_backward(gpu(g), gpu(x), gpu(w), r.mean, r.rstd, axis);
  std::string what = shape_str(shape) + " axis " + std::to_string(axis) + " " + dtype_name(dtype);
  EXPECT_LT(test::relative_error(host(r.out), ref.out), tolerance(dtype)) << what;
  EXPECT_LT(test::relative_error(host(d.x), dref.x), tolerance(dtype)) << what;
  EXPECT_LT(test::relative_error(host(d.weight), dref.weight), tolerance(dtype)) << what;
  EXPECT_LT(test::relative_error(host(d.bias), dref.bias), tolerance(dtype)) << what;
}

TEST(NormCuda, LayerNormTokensAndChannels) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (DType dtype : {DType::Float32, DType::BFloat16}) {
    check_layer_norm({3, 5, 37}, -1, dtype, 10);
    check_layer_norm({1, 512, 768}, -1, dtype, 11);        // ViT tokens
    check_layer_norm({1, 384, 8, 8, 8}, 1, dtype, 12);     // SAM neck (LayerNorm2d)
    check_layer_norm({2, 7, 3, 5, 4}, 1, dtype, 13);
  }
}

}  // namespace
}  // namespace semisam
