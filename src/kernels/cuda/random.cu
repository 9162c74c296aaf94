// CUDA random fills, the same mapping as the CPU: element i takes stream element offset + i.
#include "kernels/cuda/device_types.cuh"
#include "kernels/random.h"
#include "tensor/philox.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

// One kernel for both distributions: element i takes stream element offset + i, mapped to
// low + scale·u (uniform, scale = high − low) or low + scale·z (normal: low = mean, scale = std).
template <typename T>
__global__ void fill_random_kernel(T* p, int64_t n, uint64_t seed, uint64_t offset, bool normal,
                                   double low, double scale) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    uint64_t g = offset + uint64_t(i);
    double x = normal ? double(philox::normal(seed, g)) : double(philox::uniform(seed, g));
    // Explicit rounding: a fused multiply-add would round differently from the CPU.
    p[i] = T(compute_t<T>(__dadd_rn(low, __dmul_rn(scale, x))));
  }
}

void fill_random(const Tensor& t, uint64_t seed, uint64_t offset, bool normal, double low,
                 double scale) {
  int64_t n = t.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(t);
  // The entry point has checked the dtype is floating; the integer instantiations never run.
  dispatch_floating(normal ? "normal_" : "uniform_", t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    fill_random_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(t.data<T>(), n, seed, offset, normal,
                                                              low, scale);
  });
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high) {
  fill_random(t, seed, offset, false, low, high - low);
}

void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std) {
  fill_random(t, seed, offset, true, mean, std);
}

}  // namespace semisam::ops::cuda
