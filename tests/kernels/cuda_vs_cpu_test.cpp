// Table-driven CUDA-vs-CPU check of every op of src/kernels: fresh random inputs (odd sizes,
// broadcasting, strided slice views), every float dtype, outputs poisoned so unwritten elements
// show as NaN, relative error within the dtype's tolerance. Skips without a GPU.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/precision.h"
#include "kernels/reduce.h"
#include "kernels/shape_ops.h"

namespace semisam {
namespace {

struct OpCase {
  std::string name;
  std::vector<Shape> input_shapes;
  std::function<Tensor(const std::vector<Tensor>&)> run;
  bool positive_inputs = false;  // for log / sqrt / pow
};

double tolerance(DType dtype) {
  switch (dtype) {
    case DType::Float64: return 1e-12;
    case DType::Float32: return 1e-5;
    default: return 1e-2;
  }
}

std::vector<OpCase> cases() {
  using Ts = std::vector<Tensor>;
  return {
      {"add_broadcast", {{3, 1, 5}, {4, 1}}, [](const Ts& t) { return ops::add(t[0], t[1]); }},
      {"sub_odd", {{7, 13}, {7, 13}}, [](const Ts& t) { return ops::sub(t[0], t[1]); }},
      {"mul_slice_view", {{6, 9}, {3, 9}},
       [](const Ts& t) { return ops::mul(t[0].narrow(0, 2, 3), t[1]); }},
      {"div_scalar_first", {{5, 3}},
       [](const Ts& t) { return ops::binary_scalar(ops::BinaryOp::Div, t[0], 2.0, true); }},
      {"maximum_permuted", {{4, 6}, {6, 4}},
       [](const Ts& t) { return ops::maximum(t[0], t[1].permute({1, 0})); }},
      {"pow_scalar", {{33}}, [](const Ts& t) { return ops::pow(t[0], 1.7); }, true},
      {"exp", {{2, 3, 17}}, [](const Ts& t) { return ops::exp(t[0]); }},
      {"log", {{129}}, [](const Ts& t) { return ops::log(t[0]); }, true},
      {"sqrt_strided", {{10, 10}}, [](const Ts& t) { return ops::sqrt(t[0].narrow(1, 3, 5)); }, true},
      {"abs", {{31}}, [](const Ts& t) { return ops::abs(t[0]); }},
      {"compare_lt", {{5, 7}, {7}},
       [](const Ts& t) { return ops::compare(ops::CompareOp::Lt, t[0], t[1]); }},
      {"where", {{4, 5}, {4, 5}, {5}},
       [](const Ts& t) {
         return ops::where(ops::compare_scalar(ops::CompareOp::Gt, t[0], 0.0), t[1], t[2]);
       }},
      {"sum_all_large", {{3, 70001}}, [](const Ts& t) { return ops::sum(t[0]); }},
      {"sum_axes", {{2, 3, 5, 7}}, [](const Ts& t) { return ops::sum(t[0], {1, 3}, true); }},
      {"mean_rows", {{1000, 9}}, [](const Ts& t) { return ops::mean(t[0], {1}); }},
      {"max_axis0", {{37, 11}}, [](const Ts& t) { return ops::max(t[0], {0}); }},
      {"argmax_channel", {{2, 3, 4, 5, 6}}, [](const Ts& t) { return ops::argmax(t[0], 1); }},
      {"argmax_all_large", {{50000}}, [](const Ts& t) { return ops::argmax(t[0]); }},
      {"concat", {{2, 3, 4}, {2, 5, 4}}, [](const Ts& t) { return ops::concat({t[0], t[1]}, 1); }},
      {"pad_crop", {{3, 4, 5}},
       [](const Ts& t) { return ops::pad(t[0], {{1, 2}, {-1, 0}, {0, 3}}, 0.5); }},
      {"cast_roundtrip", {{17, 3}},
       [](const Ts& t) { return ops::cast(ops::cast(t[0], DType::Float16), t[0].dtype()); }},
      {"contiguous_permute", {{3, 4, 5}},
       [](const Ts& t) { return ops::contiguous(t[0].permute({2, 0, 1})); }},
      {"matmul", {{3, 17, 33}, {3, 33, 9}}, [](const Ts& t) { return ops::matmul(t[0], t[1]); }},
      {"matmul_transposed_shared", {{2, 33, 17}, {9, 33}},
       [](const Ts& t) { return ops::matmul(t[0], t[1], true, true); }},
  };
}

// Runs the table on the CPU alone (so CI exercises it): float32 and bfloat16 against float64.
TEST(OpTable, LowerPrecisionsMatchFloat64OnCpu) {
  test::PoisonGuard poison;
  for (DType dtype : {DType::Float32, DType::BFloat16}) {
    uint64_t seed = 1;
    for (const OpCase& c : cases()) {
      std::vector<Tensor> wide, narrow;
      for (const Shape& s : c.input_shapes) {
        Tensor t = test::random_tensor(s, DType::Float64, seed++);
        if (c.positive_inputs) t = ops::add(ops::abs(t), 0.1);
        narrow.push_back(ops::cast(t, dtype));
        wide.push_back(ops::cast(narrow.back(), DType::Float64));  // same rounded inputs
      }
      Tensor expected = c.run(wide);
      Tensor actual = c.run(narrow);
      if (actual.dtype() == DType::Int64 || actual.dtype() == DType::UInt8) {
        if (dtype == DType::BFloat16) continue;  // ties after rounding may pick another index
        EXPECT_EQ(ops::to_vector<int64_t>(actual), ops::to_vector<int64_t>(expected)) << c.name;
      } else {
        EXPECT_LE(test::relative_error(actual, expected), tolerance(dtype))
            << c.name << " in " << dtype_name(dtype);
      }
    }
  }
}

class CudaVsCpu : public ::testing::TestWithParam<DType> {};

TEST_P(CudaVsCpu, EveryOpMatches) {
  SEMISAM_SKIP_WITHOUT_GPU();
  DType dtype = GetParam();
  test::PoisonGuard poison;
  ops::MathModeGuard fp32(ops::MathMode::FP32);
  uint64_t seed = 1;
  for (const OpCase& c : cases()) {
    std::vector<Tensor> cpu_in, gpu_in;
    for (const Shape& s : c.input_shapes) {
      Tensor t = test::random_tensor(s, DType::Float64, seed++);
      if (c.positive_inputs) t = ops::add(ops::abs(t), 0.1);
      t = ops::cast(t, dtype);
      cpu_in.push_back(t);
      gpu_in.push_back(ops::to_device(t, Device::cuda(0)));
    }
    Tensor expected = c.run(cpu_in);
    Tensor actual = c.run(gpu_in);
    ASSERT_EQ(actual.device(), Device::cuda(0)) << c.name;
    double err = test::relative_error(actual, expected);
    EXPECT_LE(err, tolerance(dtype)) << c.name << " in " << dtype_name(dtype);
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaVsCpu,
                         ::testing::Values(DType::Float32, DType::Float64, DType::BFloat16),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

TEST(CudaVsCpu, CrossDeviceCopiesOfViews) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Tensor host = test::random_tensor({4, 6, 5}, DType::Float32, 3);
  Tensor device = ops::to_device(host.narrow(1, 1, 4).permute({2, 0, 1}), Device::cuda(0));
  Tensor back = ops::to_device(device, Device::cpu());
  EXPECT_EQ(ops::to_vector<float>(back),
            ops::to_vector<float>(host.narrow(1, 1, 4).permute({2, 0, 1})));
  Tensor target = Tensor::zeros({5, 4, 4}, DType::Float32, Device::cuda(0));
  ops::copy_(target.narrow(2, 0, 3), host.narrow(0, 0, 3).permute({2, 1, 0}).narrow(1, 0, 4));
  EXPECT_EQ(ops::to_vector<float>(target.narrow(2, 0, 3)),
            ops::to_vector<float>(host.narrow(0, 0, 3).permute({2, 1, 0}).narrow(1, 0, 4)));
}

TEST(CudaVsCpu, TF32MatmulWithinTolerance) {
  SEMISAM_SKIP_WITHOUT_GPU();
  ops::MathModeGuard tf32(ops::MathMode::TF32);
  Tensor a = test::random_tensor({64, 256}, DType::Float32, 11);
  Tensor b = test::random_tensor({256, 48}, DType::Float32, 12);
  Tensor expected = ops::matmul(a, b);
  Tensor actual = ops::matmul(ops::to_device(a, Device::cuda(0)), ops::to_device(b, Device::cuda(0)));
  EXPECT_LE(test::relative_error(actual, expected), 1e-3);
}

TEST(CudaVsCpu, ReductionsAreBitwiseReproducible) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Tensor t = ops::to_device(test::random_tensor({2, 1 << 20}, DType::Float32, 5), Device::cuda(0));
  std::vector<float> first = ops::to_vector<float>(ops::sum(t, {1}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ops::to_vector<float>(ops::sum(t, {1})), first);
}

TEST(CudaVsCpu, MemoryStatsCountDeviceBytes) {
  SEMISAM_SKIP_WITHOUT_GPU();
  MemoryStats before = memory_stats(Device::cuda(0));
  {
    Tensor t = Tensor::empty({1 << 20}, DType::Float32, Device::cuda(0));
    EXPECT_EQ(memory_stats(Device::cuda(0)).current_bytes, before.current_bytes + (4u << 20));
  }
  EXPECT_EQ(memory_stats(Device::cuda(0)).current_bytes, before.current_bytes);
  EXPECT_GE(memory_stats(Device::cuda(0)).peak_bytes, before.current_bytes + (4u << 20));
}

}  // namespace
}  // namespace semisam
