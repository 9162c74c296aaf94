// CUDA (cuDNN) 3-D convolution against the CPU: values and all three gradients in fp32, tf32 and
// bf16 math, float64 and bfloat16 tensors, determinism, benchmark search, and the real layer
// shapes of the networks at 128³, batch 2, against a float64 CPU reference. Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/conv3d.h"
#include "kernels/copy.h"
#include "kernels/precision.h"

namespace semisam {
namespace {

using ops::Conv3dParams;
using ops::MathMode;

Tensor gpu(const Tensor& t) { return ops::to_device(t, Device::cuda(0)); }

// Allowed relative L2 error of a result whose every element sums `terms` products, against an
// exact (float64) reference. fp32: accumulation error of a plain float sum, at most about
// 2·2⁻²⁴·√terms relative for random-sign terms, never below 1e-5. tf32: both operands rounded to
// a 10-bit mantissa, ≈ 2⁻¹⁰ relative per product whatever the length. bf16: 8-bit mantissa
// operands and a bf16 output, ≈ 4·10⁻³.
double tolerance(MathMode mode, int64_t terms) {
  switch (mode) {
    case MathMode::FP32:
      return std::max(1e-5, 2.0 * std::ldexp(1.0, -24) * std::sqrt(double(terms)));
    case MathMode::TF32: return 2e-3;
    case MathMode::BF16: return 1e-2;
  }
  return 0;
}

struct Results {
  Tensor y, dx, dw, db;
};

// Forward and the three gradients for grad_output g, on the operands' device; CPU copies back.
Results run_all(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& g,
                const Conv3dParams& p) {
  Results r;
  r.y = ops::to_device(ops::conv3d(x, w, b, p), Device::cpu());
  r.dx = ops::to_device(ops::conv3d_backward_input(g, w, x.shape(), p), Device::cpu());
  r.dw = ops::to_device(ops::conv3d_backward_weight(g, x, w.shape(), p), Device::cpu());
  r.db = ops::to_device(ops::conv3d_backward_bias(g), Device::cpu());
  return r;
}

struct Operands {
  Tensor x, w, b, g;
};

Operands make_operands(const Shape& xs, const Shape& ws, const Conv3dParams& p, uint64_t seed) {
  Operands o;
  o.x = test::random_tensor(xs, DType::Float32, seed);
  o.w = test::random_tensor(ws, DType::Float32, seed + 1);
  o.b = test::random_tensor({ws[0]}, DType::Float32, seed + 2);
  o.g = test::random_tensor(ops::conv3d_output_shape(xs, ws, p), DType::Float32, seed + 3);
  return o;
}

Results reference(const Operands& o, const Conv3dParams& p) {
  auto wide = [](const Tensor& t) { return ops::cast(t, DType::Float64); };
  return run_all(wide(o.x), wide(o.w), wide(o.b), wide(o.g), p);
}

void expect_close(const Results& actual, const Results& expected, MathMode mode, const Shape& xs,
                  const Shape& ws, const Shape& ys, const std::string& what) {
  int64_t kernel = ws[2] * ws[3] * ws[4];
  int64_t positions = ys[0] * ys[2] * ys[3] * ys[4];
  EXPECT_LE(test::relative_error(actual.y, expected.y), tolerance(mode, ws[1] * kernel))
      << what << " forward";
  EXPECT_LE(test::relative_error(actual.dx, expected.dx), tolerance(mode, ws[0] * kernel))
      << what << " data grad";
  EXPECT_LE(test::relative_error(actual.dw, expected.dw), tolerance(mode, positions))
      << what << " weight grad";
  // The bias gradient is a plain sum of the float32 output gradient in every mode.
  EXPECT_LE(test::relative_error(actual.db, expected.db), 1e-6) << what << " bias grad";
  (void)xs;
}

struct SmallCase {
  Shape x, w;
  Conv3dParams p;
};

std::vector<SmallCase> small_cases() {
  return {
      {{2, 3, 9, 10, 11}, {5, 3, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}}},
      {{2, 3, 7, 6, 9}, {4, 3, 3, 2, 3}, {{2, 1, 3}, {1, 0, 2}}},
      {{1, 2, 16, 16, 16}, {8, 2, 4, 4, 4}, {{2, 2, 2}, {1, 1, 1}}},
      {{2, 16, 6, 6, 6}, {3, 16, 1, 1, 1}, {{1, 1, 1}, {0, 0, 0}}},
      {{1, 1, 32, 32, 32}, {24, 1, 16, 16, 16}, {{16, 16, 16}, {0, 0, 0}}},
  };
}

class Conv3dCuda : public ::testing::TestWithParam<MathMode> {};

TEST_P(Conv3dCuda, SmallShapesMatchFloat64Cpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  ops::MathModeGuard mode(GetParam());
  uint64_t seed = 10;
  for (const SmallCase& c : small_cases()) {
    Operands o = make_operands(c.x, c.w, c.p, seed += 4);
    Results expected = reference(o, c.p);
    Results actual = run_all(gpu(o.x), gpu(o.w), gpu(o.b), gpu(o.g), c.p);
    expect_close(actual, expected, GetParam(), c.x, c.w, expected.y.shape(),
                 shape_str(c.x) + " * " + shape_str(c.w));
  }
}

// Selects the benchmark algorithm search for its scope.
class BenchmarkSearchGuard {
 public:
  BenchmarkSearchGuard() : previous_(ops::conv_algo_search()) {
    ops::set_conv_algo_search(ops::ConvAlgoSearch::Benchmark);
  }
  ~BenchmarkSearchGuard() { ops::set_conv_algo_search(previous_); }

 private:
  ops::ConvAlgoSearch previous_;
};

TEST_P(Conv3dCuda, BenchmarkSearchGivesTheSameNumbersWithinTolerance) {
  SEMISAM_SKIP_WITHOUT_GPU();
  ops::MathModeGuard mode(GetParam());
  BenchmarkSearchGuard search;
  const SmallCase c = small_cases()[0];
  Operands o = make_operands(c.x, c.w, c.p, 77);
  Results expected = reference(o, c.p);
  Results actual = run_all(gpu(o.x), gpu(o.w), gpu(o.b), gpu(o.g), c.p);
  expect_close(actual, expected, GetParam(), c.x, c.w, expected.y.shape(), "benchmark search");
}

TEST_P(Conv3dCuda, DeterministicModeRepeatsBitForBit) {
  SEMISAM_SKIP_WITHOUT_GPU();
  ops::MathModeGuard mode(GetParam());
  ASSERT_TRUE(ops::conv_deterministic());
  Conv3dParams p{{1, 1, 1}, {1, 1, 1}};
  Operands o = make_operands({2, 16, 24, 24, 24}, {16, 16, 3, 3, 3}, p, 5);
  Results first = run_all(gpu(o.x), gpu(o.w), gpu(o.b), gpu(o.g), p);
  for (int i = 0; i < 2; ++i) {
    Results again = run_all(gpu(o.x), gpu(o.w), gpu(o.b), gpu(o.g), p);
    EXPECT_EQ(ops::to_vector<float>(again.y), ops::to_vector<float>(first.y));
    EXPECT_EQ(ops::to_vector<float>(again.dx), ops::to_vector<float>(first.dx));
    EXPECT_EQ(ops::to_vector<float>(again.dw), ops::to_vector<float>(first.dw));
    EXPECT_EQ(ops::to_vector<float>(again.db), ops::to_vector<float>(first.db));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, Conv3dCuda,
                         ::testing::Values(MathMode::FP32, MathMode::TF32, MathMode::BF16),
                         [](const auto& info) {
                           return std::string(ops::math_mode_name(info.param));
                         });

TEST(Conv3dCudaTensors, Float64AndBFloat16Tensors) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  Conv3dParams p{{2, 1, 1}, {1, 1, 0}};
  Operands o = make_operands({2, 4, 8, 7, 6}, {3, 4, 3, 3, 3}, p, 31);
  auto as = [](const Operands& src, DType dtype) {
    return Operands{ops::cast(src.x, dtype), ops::cast(src.w, dtype), ops::cast(src.b, dtype),
                    ops::cast(src.g, dtype)};
  };
  Operands d = as(o, DType::Float64);
  Results cpu64 = run_all(d.x, d.w, d.b, d.g, p);
  Results gpu64 = run_all(gpu(d.x), gpu(d.w), gpu(d.b), gpu(d.g), p);
  EXPECT_LE(test::relative_error(gpu64.y, cpu64.y), 1e-12);
  EXPECT_LE(test::relative_error(gpu64.dx, cpu64.dx), 1e-12);
  EXPECT_LE(test::relative_error(gpu64.dw, cpu64.dw), 1e-12);
  EXPECT_LE(test::relative_error(gpu64.db, cpu64.db), 1e-12);
  Operands h = as(o, DType::BFloat16);
  Results cpu16 = run_all(h.x, h.w, h.b, h.g, p);
  Results gpu16 = run_all(gpu(h.x), gpu(h.w), gpu(h.b), gpu(h.g), p);
  EXPECT_EQ(gpu16.y.dtype(), DType::BFloat16);
  EXPECT_LE(test::relative_error(gpu16.y, cpu16.y), 1e-2);
  EXPECT_LE(test::relative_error(gpu16.dx, cpu16.dx), 1e-2);
  EXPECT_LE(test::relative_error(gpu16.dw, cpu16.dw), 1e-2);
  EXPECT_LE(test::relative_error(gpu16.db, cpu16.db), 1e-2);
}

// The real layers at their real sizes (batch 2, 128³ input to the network), one per shape class:
// each U-Net resolution, the first layer, a decoder concat layer, the output head, the
// discriminator's strided 4³ layer and the SAM patch embedding. The float64 CPU reference is
// computed once and checked against all three math modes.
struct LayerCase {
  const char* name;
  int64_t in_channels, out_channels, size, kernel, stride, padding, batch;
};

void PrintTo(const LayerCase& c, std::ostream* os) { *os << c.name; }

class Conv3dCudaLayers : public ::testing::TestWithParam<LayerCase> {};

TEST_P(Conv3dCudaLayers, RealShapeMatchesFloat64Cpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  const LayerCase& c = GetParam();
  Shape xs{c.batch, c.in_channels, c.size, c.size, c.size};
  Shape ws{c.out_channels, c.in_channels, c.kernel, c.kernel, c.kernel};
  Conv3dParams p{{c.stride, c.stride, c.stride}, {c.padding, c.padding, c.padding}};
  Operands o = make_operands(xs, ws, p, 1000);
  Results expected = reference(o, p);
  Operands d{gpu(o.x), gpu(o.w), gpu(o.b), gpu(o.g)};
  for (MathMode mode : {MathMode::FP32, MathMode::TF32, MathMode::BF16}) {
    test::PoisonGuard poison;
    ops::MathModeGuard guard(mode);
    Results actual = run_all(d.x, d.w, d.b, d.g, p);
    expect_close(actual, expected, mode, xs, ws, expected.y.shape(),
                 std::string(c.name) + " in " + ops::math_mode_name(mode));
  }
}

INSTANTIATE_TEST_SUITE_P(
    UNetAt128, Conv3dCudaLayers,
    ::testing::Values(LayerCase{"first_1to16_128", 1, 16, 128, 3, 1, 1, 2},
                      LayerCase{"level1_16to16_128", 16, 16, 128, 3, 1, 1, 2},
                      LayerCase{"level2_32to32_64", 32, 32, 64, 3, 1, 1, 2},
                      LayerCase{"level3_64to64_32", 64, 64, 32, 3, 1, 1, 2},
                      LayerCase{"level4_128to128_16", 128, 128, 16, 3, 1, 1, 2},
                      LayerCase{"centre_256to256_8", 256, 256, 8, 3, 1, 1, 2},
                      LayerCase{"decoder_384to128_16", 384, 128, 16, 3, 1, 1, 2},
                      LayerCase{"head_16to2_128", 16, 2, 128, 1, 1, 0, 2},
                      LayerCase{"discriminator_2to64_128", 2, 64, 128, 4, 2, 1, 2},
                      LayerCase{"patch_embed_1to768_128", 1, 768, 128, 16, 16, 0, 1}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace semisam
