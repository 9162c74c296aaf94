// CUDA SGD and Adam: the shared per-element rules over every parameter in one multi-tensor launch
// (float32 parameters).
#include "kernels/cuda/optim_multi_tensor.cuh"
#include "kernels/optim.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kSgdMax = 96;
constexpr int kAdamMax = 56;

struct SgdExtra {
  int first;
};

struct SgdOp {
  optim_rule::SgdScalars s;
  __device__ void operator()(const cudak::MultiTensorTable<3, SgdExtra, kSgdMax>& t, int k,
                             int64_t i) const {
    float unused = 0.0f;
    float* buf = t.ptr[2][k];
    optim_rule::sgd<float>(t.ptr[0][k][i], t.ptr[1][k][i], buf ? buf[i] : unused,
                           t.extra[k].first != 0, s);
  }
};

struct AdamExtra {
  double step_size, bias2_sqrt;
};

struct AdamOp {
  optim_rule::AdamScalars s;
  __device__ void operator()(const cudak::MultiTensorTable<4, AdamExtra, kAdamMax>& t, int k,
                             int64_t i) const {
    optim_rule::adam<float>(t.ptr[0][k][i], t.ptr[1][k][i], t.ptr[2][k][i], t.ptr[3][k][i],
                            t.extra[k].step_size, t.extra[k].bias2_sqrt, s);
  }
};

}  // namespace

void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& scalars) {
  std::vector<cudak::MultiTensorEntry<3, SgdExtra>> entries;
  for (const SgdSlot& slot : slots) {
    if (slot.param.numel() == 0) continue;
    float* buf = scalars.momentum != 0 ? slot.momentum_buffer.data<float>() : nullptr;
    entries.push_back({{slot.param.data<float>(), slot.grad.data<float>(), buf},
                       slot.param.numel(),
                       {slot.first ? 1 : 0}});
  }
  if (entries.empty()) return;
  cudaStream_t stream = cudak::stream_for(slots[0].param);
  cudak::launch_multi_tensor<3, SgdExtra, kSgdMax>(entries, SgdOp{scalars}, stream);
}

void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& scalars) {
  std::vector<cudak::MultiTensorEntry<4, AdamExtra>> entries;
  for (const AdamSlot& slot : slots) {
    if (slot.param.numel() == 0) continue;
    AdamExtra extra{};
    optim_rule::adam_corrections(scalars, slot.step, extra.step_size, extra.bias2_sqrt);
    entries.push_back({{slot.param.data<float>(), slot.grad.data<float>(),
                        slot.exp_avg.data<float>(), slot.exp_avg_sq.data<float>()},
                       slot.param.numel(),
                       extra});
  }
  if (entries.empty()) return;
  cudaStream_t stream = cudak::stream_for(slots[0].param);
  cudak::launch_multi_tensor<4, AdamExtra, kAdamMax>(entries, AdamOp{scalars}, stream);
}

}  // namespace semisam::ops::cuda
