// Optimiser kernels: hand-computed single steps of the less common options (dampening, Nesterov,
// Adam weight decay) on the CPU, and CUDA's multi-tensor launches against the CPU reference over
// more tensors than one launch holds. CUDA parts skip without a GPU.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/optim.h"

namespace semisam {
namespace {

Tensor scalar(double v) { return Tensor::from_vector<double>({v}, {1}); }

TEST(OptimKernels, SgdNesterovWithDampening) {
  // θ = 1, g = 0.5 twice, lr 0.1, μ 0.9, dampening 0.1, Nesterov.
  // Step 1: buf = d = 0.5 (no dampening on the first step); d = 0.5 + 0.9·0.5 = 0.95; θ = 0.905.
  // Step 2: buf = 0.9·0.5 + 0.9·0.5 = 0.9; d = 0.5 + 0.9·0.9 = 1.31; θ = 0.905 − 0.131 = 0.774.
  Tensor p = scalar(1.0), g = scalar(0.5), buf = scalar(0.0);
  ops::optim_rule::SgdScalars s{0.1, 0.9, 0.1, 0.0, true};
  ops::sgd_step({{p, g, buf, true}}, s);
  EXPECT_NEAR(ops::item(p), 0.905, 1e-15);
  ops::sgd_step({{p, g, buf, false}}, s);
  EXPECT_NEAR(ops::item(buf), 0.9, 1e-15);
  EXPECT_NEAR(ops::item(p), 0.774, 1e-15);
}

TEST(OptimKernels, SgdWithoutMomentumNeedsNoBuffer) {
  Tensor p = scalar(2.0), g = scalar(1.0);
  ops::sgd_step({{p, g, Tensor(), false}}, {0.5, 0.0, 0.0, 0.1, false});
  EXPECT_NEAR(ops::item(p), 2.0 - 0.5 * (1.0 + 0.1 * 2.0), 1e-15);
}

TEST(OptimKernels, AdamWeightDecayAddsToGradient) {
  // θ = 1, g = 0.5, wd 0.1 → g' = 0.6; m = 0.06, v = 0.001·0.36; step 1: lr/(1 − β1) = 1 and
  // sqrt(v)/sqrt(1 − β2) = 0.6, so θ = 1 − 0.06/(0.6 + 1e-8).
  Tensor p = scalar(1.0), g = scalar(0.5), m = scalar(0.0), v = scalar(0.0);
  ops::adam_step({{p, g, m, v, 1}}, {0.1, 0.9, 0.999, 1e-8, 0.1});
  EXPECT_NEAR(ops::item(m), 0.06, 1e-16);
  EXPECT_NEAR(ops::item(v), 0.00036, 1e-18);
  EXPECT_NEAR(ops::item(p), 1 - 0.06 / (0.6 + 1e-8), 1e-14);
}

TEST(OptimKernels, RejectsMismatchedSlots) {
  Tensor p = scalar(1.0);
  EXPECT_THROW(ops::sgd_step({{p, Tensor::zeros({2}, DType::Float64), scalar(0), true}},
                             {0.1, 0.9, 0, 0, false}),
               Error);
  EXPECT_THROW(ops::adam_step({{p, scalar(1), scalar(0), scalar(0), 0}}, {0.1, 0.9, 0.999, 1e-8, 0}),
               Error);
}

// A parameter set of `count` float32 tensors of assorted sizes.
std::vector<Tensor> random_set(size_t count, uint64_t seed) {
  std::vector<Tensor> out;
  for (size_t i = 0; i < count; ++i)
    out.push_back(test::random_tensor({int64_t(1 + (i * 7919) % 5000)}, DType::Float32, seed + i));
  return out;
}

std::vector<Tensor> copies(const std::vector<Tensor>& ts, Device device) {
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(ops::clone(ops::to_device(t, device)));
  return out;
}

TEST(OptimCuda, MultiTensorSgdAndAdamMatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  const size_t n = 130;  // more than one launch's worth for both optimisers
  std::vector<Tensor> params = random_set(n, 100), grads = random_set(n, 1000);
  std::vector<Tensor> p_cpu = copies(params, Device::cpu()), p_gpu = copies(params, Device::cuda());
  std::vector<Tensor> g_gpu = copies(grads, Device::cuda());
  std::vector<Tensor> b_cpu = copies(params, Device::cpu()), b_gpu = copies(params, Device::cuda());
  ops::optim_rule::SgdScalars sgd{0.01, 0.9, 0.0, 1e-4, false};
  for (int step = 0; step < 3; ++step) {
    std::vector<ops::SgdSlot> cpu_slots, gpu_slots;
    for (size_t i = 0; i < n; ++i) {
      cpu_slots.push_back({p_cpu[i], grads[i], b_cpu[i], step == 0});
      gpu_slots.push_back({p_gpu[i], g_gpu[i], b_gpu[i], step == 0});
    }
    ops::sgd_step(cpu_slots, sgd);
    ops::sgd_step(gpu_slots, sgd);
  }
  for (size_t i = 0; i < n; ++i)
    ASSERT_LT(test::relative_error(ops::to_device(p_gpu[i], Device::cpu()), p_cpu[i]), 1e-6) << i;

  std::vector<Tensor> a_cpu = copies(params, Device::cpu()), a_gpu = copies(params, Device::cuda());
  std::vector<Tensor> m_cpu, v_cpu, m_gpu, v_gpu;
  for (const Tensor& p : params) {
    m_cpu.push_back(ops::full(p.shape(), 0.0, DType::Float32));
    v_cpu.push_back(ops::full(p.shape(), 0.0, DType::Float32));
    m_gpu.push_back(ops::full(p.shape(), 0.0, DType::Float32, Device::cuda()));
    v_gpu.push_back(ops::full(p.shape(), 0.0, DType::Float32, Device::cuda()));
  }
  ops::optim_rule::AdamScalars adam{1e-3, 0.9, 0.99, 1e-8, 0.0};
  for (int64_t step = 1; step <= 3; ++step) {
    std::vector<ops::AdamSlot> cpu_slots, gpu_slots;
    for (size_t i = 0; i < n; ++i) {
      cpu_slots.push_back({a_cpu[i], grads[i], m_cpu[i], v_cpu[i], step});
      gpu_slots.push_back({a_gpu[i], g_gpu[i], m_gpu[i], v_gpu[i], step});
    }
    ops::adam_step(cpu_slots, adam);
    ops::adam_step(gpu_slots, adam);
  }
  for (size_t i = 0; i < n; ++i) {
    ASSERT_LT(test::relative_error(ops::to_device(a_gpu[i], Device::cpu()), a_cpu[i]), 1e-6) << i;
    ASSERT_LT(test::relative_error(ops::to_device(v_gpu[i], Device::cpu()), v_cpu[i]), 1e-6) << i;
  }
}

}  // namespace
}  // namespace semisam
