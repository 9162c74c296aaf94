// CUDA EMA of a parameter set: one multi-tensor launch for the whole set (float32 tensors).
#include "kernels/cuda/optim_multi_tensor.cuh"
#include "kernels/ema.h"
#include "kernels/optim_rules.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kEmaMax = 128;

struct NoExtra {
  int unused;
};

struct EmaOp {
  double alpha;
  __device__ void operator()(const cudak::MultiTensorTable<2, NoExtra, kEmaMax>& t, int k,
                             int64_t i) const {
    optim_rule::ema<float>(t.ptr[0][k][i], t.ptr[1][k][i], alpha);
  }
};

}  // namespace

void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha) {
  std::vector<cudak::MultiTensorEntry<2, NoExtra>> entries;
  for (size_t k = 0; k < targets.size(); ++k) {
    if (targets[k].numel() == 0) continue;
    entries.push_back({{targets[k].data<float>(), sources[k].data<float>()}, targets[k].numel(), {0}});
  }
  if (entries.empty()) return;
  cudaStream_t stream = cudak::stream_for(targets[0]);
  cudak::launch_multi_tensor<2, NoExtra, kEmaMax>(entries, EmaOp{alpha}, stream);
}

}  // namespace semisam::ops::cuda
