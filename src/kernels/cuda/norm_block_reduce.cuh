// Deterministic in-block sums for the normalisation, softmax and loss kernels: warp shuffles and
// a shared-memory tree in a fixed order, so a result never depends on scheduling (no atomics).
#pragma once

#include <cuda_runtime.h>

namespace semisam::ops::cudak {

template <typename A>
__device__ __forceinline__ A warp_sum(A v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Sum of one value per thread over a block of kThreads (a multiple of 32); every thread gets the
// result. Safe to call repeatedly in one kernel.
template <typename A, int kThreads>
__device__ A block_sum(A v) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "block size must be whole warps");
  __shared__ A warp_totals[kThreads / 32];
  __shared__ A total;
  v = warp_sum(v);
  __syncthreads();  // the previous call's readers are done with the buffers
  if ((threadIdx.x & 31) == 0) warp_totals[threadIdx.x >> 5] = v;
  __syncthreads();
  if (threadIdx.x < 32) {
    A w = threadIdx.x < kThreads / 32 ? warp_totals[threadIdx.x] : A(0);
    w = warp_sum(w);
    if (threadIdx.x == 0) total = w;
  }
  __syncthreads();
  return total;
}

}  // namespace semisam::ops::cudak
