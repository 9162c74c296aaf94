// The deterministic two-pass sum behind the fused losses: a grid of a shape-determined number of
// blocks accumulates up to K sums per thread over positions (grid-stride), reduces them per block
// in a fixed tree order into partials, and one block adds the partials in block order (in double)
// and turns the sums into the loss. No atomics, so a loss is bitwise reproducible.
#pragma once

#include "kernels/cuda/device_types.cuh"
#include "kernels/cuda/norm_block_reduce.cuh"

namespace semisam::ops::cudak {

constexpr int kLossThreads = 256;
constexpr int64_t kLossMaxBlocks = 1024;

inline int64_t loss_blocks(int64_t positions) {
  int64_t blocks = (positions + kLossThreads * 8 - 1) / (kLossThreads * 8);
  return blocks < 1 ? 1 : (blocks > kLossMaxBlocks ? kLossMaxBlocks : blocks);
}

// body(i, acc) adds position i's contributions to acc[0 .. nsums).
template <int K, typename A, typename Body>
__global__ void loss_partials_kernel(Body body, int64_t positions, int nsums, A* partials) {
  A acc[K];
  for (int j = 0; j < K; ++j) acc[j] = A(0);
  for (int64_t i = blockIdx.x * int64_t(kLossThreads) + threadIdx.x; i < positions;
       i += int64_t(kLossThreads) * gridDim.x)
    body(i, acc);
  for (int j = 0; j < nsums; ++j) {
    A total = block_sum<A, kLossThreads>(acc[j]);
    if (threadIdx.x == 0) partials[blockIdx.x * int64_t(nsums) + j] = total;
  }
}

// finish(sums, loss) runs in one thread once every sum is stored.
template <typename A, typename Finish>
__global__ void loss_final_kernel(const A* partials, int64_t blocks, int nsums, Finish finish,
                                  A* sums, A* loss) {
  for (int j = threadIdx.x; j < nsums; j += blockDim.x) {
    double total = 0;
    for (int64_t b = 0; b < blocks; ++b) total += double(partials[b * nsums + j]);
    sums[j] = A(total);
  }
  __syncthreads();
  if (threadIdx.x == 0) *loss = finish(sums);
}

// Runs both passes on `stream`; `sums` (nsums elements) and `loss` are device pointers.
template <int K, typename A, typename Body, typename Finish>
void run_loss_reduction(const Body& body, int64_t positions, int nsums, const Finish& finish,
                        A* sums, A* loss, Device device, cudaStream_t stream) {
  int64_t blocks = loss_blocks(positions);
  Tensor partials = Tensor::empty({blocks * nsums}, DTypeOf<A>::value, device);
  loss_partials_kernel<K, A><<<unsigned(blocks), kLossThreads, 0, stream>>>(
      body, positions, nsums, partials.data<A>());
  CUDA_CHECK_LAUNCH();
  loss_final_kernel<A><<<1, 64, 0, stream>>>(partials.data<A>(), blocks, nsums, finish, sums,
                                             loss);
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cudak
