// EMA kernel: a hand-computed update on the CPU and the CUDA multi-tensor launch against the CPU
// over more tensors than one launch holds (skips without a GPU).
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/ema.h"

namespace semisam {
namespace {

TEST(EmaKernel, HandComputed) {
  // α = 0.25: t = 0.25·[4, −8] + 0.75·[0, 8] = [1, 4]; a second tensor of one element:
  // 0.25·2 + 0.75·10 = 8.
  Tensor t0 = Tensor::from_vector<float>({4, -8}, {2}), s0 = Tensor::from_vector<float>({0, 8}, {2});
  Tensor t1 = Tensor::from_vector<float>({2}, {1}), s1 = Tensor::from_vector<float>({10}, {1});
  ops::ema_update({t0, t1}, {s0, s1}, 0.25);
  EXPECT_EQ(ops::to_vector<float>(t0), (std::vector<float>{1, 4}));
  EXPECT_EQ(ops::item(t1), 8.0);
  EXPECT_EQ(ops::to_vector<float>(s0), (std::vector<float>{0, 8}));  // the source is untouched
  EXPECT_THROW(ops::ema_update({t0}, {s1}, 0.5), Error);
  EXPECT_THROW(ops::ema_update({t0, t1}, {s0}, 0.5), Error);
}

TEST(EmaCuda, OneLaunchPerSetMatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  std::vector<Tensor> t_cpu, s_cpu, t_gpu, s_gpu;
  for (int i = 0; i < 150; ++i) {
    Shape shape{int64_t(1 + (i * 104729) % 20000)};
    t_cpu.push_back(test::random_tensor(shape, DType::Float32, 200 + uint64_t(i)));
    s_cpu.push_back(test::random_tensor(shape, DType::Float32, 900 + uint64_t(i)));
    t_gpu.push_back(ops::clone(ops::to_device(t_cpu.back(), Device::cuda())));
    s_gpu.push_back(ops::to_device(s_cpu.back(), Device::cuda()));
  }
  for (double alpha : {0.0, 0.5, 0.99}) {
    ops::ema_update(t_cpu, s_cpu, alpha);
    ops::ema_update(t_gpu, s_gpu, alpha);
  }
  for (size_t i = 0; i < t_cpu.size(); ++i)
    ASSERT_LT(test::relative_error(ops::to_device(t_gpu[i], Device::cpu()), t_cpu[i]), 1e-6) << i;
}

}  // namespace
}  // namespace semisam
