// Multi-tensor launches for the optimisers and EMA: the pointers, sizes and per-tensor scalars of
// up to kMax tensors travel as one kernel argument (under the 4 KB parameter limit), block row y
// updates tensor y, and a parameter set of up to kMax tensors is a single launch.
#pragma once

#include <algorithm>
#include <array>
#include <vector>

#include "kernels/cuda/device_types.cuh"

namespace semisam::ops::cudak {

template <int kPtrs, typename Extra, int kMax>
struct MultiTensorTable {
  float* ptr[kPtrs][kMax];
  int64_t numel[kMax];
  Extra extra[kMax];
};

// op(table, t, i) updates element i of tensor t.
template <int kPtrs, typename Extra, int kMax, typename Op>
__global__ void multi_tensor_kernel(MultiTensorTable<kPtrs, Extra, kMax> table, Op op) {
  int t = blockIdx.y;
  int64_t n = table.numel[t];
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    op(table, t, i);
}

template <int kPtrs, typename Extra>
struct MultiTensorEntry {
  std::array<float*, kPtrs> ptr;
  int64_t numel;
  Extra extra;
};

template <int kPtrs, typename Extra, int kMax, typename Op>
void launch_multi_tensor(const std::vector<MultiTensorEntry<kPtrs, Extra>>& entries, Op op,
                         cudaStream_t stream) {
  static_assert(sizeof(MultiTensorTable<kPtrs, Extra, kMax>) + sizeof(Op) <= 4000,
                "multi-tensor table exceeds the kernel parameter limit");
  constexpr int kThreads = 256;
  for (size_t start = 0; start < entries.size(); start += kMax) {
    size_t count = std::min(entries.size() - start, size_t(kMax));
    MultiTensorTable<kPtrs, Extra, kMax> table{};
    int64_t largest = 0;
    for (size_t k = 0; k < count; ++k) {
      const auto& e = entries[start + k];
      for (int p = 0; p < kPtrs; ++p) table.ptr[p][k] = e.ptr[p];
      table.numel[k] = e.numel;
      table.extra[k] = e.extra;
      largest = std::max(largest, e.numel);
    }
    int64_t blocks = std::min<int64_t>((largest + kThreads * 4 - 1) / (kThreads * 4), 2048);
    if (blocks < 1) blocks = 1;
    multi_tensor_kernel<kPtrs, Extra, kMax, Op>
        <<<dim3(unsigned(blocks), unsigned(count)), kThreads, 0, stream>>>(table, op);
    CUDA_CHECK_LAUNCH();
  }
}

}  // namespace semisam::ops::cudak
