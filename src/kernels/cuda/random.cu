// CUDA random fills, the same mapping as the CPU: element i takes stream element offset + i.
#include "kernels/cuda/device_types.cuh"
#include "kernels/random.h"
#include "tensor/philox.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

template <typename T>
__global__ void uniform_kernel(T* p, int64_t n, uint64_t seed, uint64_t offset, double low,
                               double high) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    p[i] = T(compute_t<T>(low + (high - low) * double(philox::uniform(seed, offset + uint64_t(i)))));
}

template <typename T>
__global__ void normal_kernel(T* p, int64_t n, uint64_t seed, uint64_t offset, double mean,
                              double std) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    p[i] = T(compute_t<T>(mean + std * double(philox::normal(seed, offset + uint64_t(i)))));
}

template <typename T> constexpr bool is_float_type =
    std::is_same<T, float>::value || std::is_same<T, double>::value ||
    std::is_same<T, bfloat16>::value || std::is_same<T, float16>::value;

}  // namespace

void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high) {
  int64_t n = t.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(t);
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_float_type<T>)
      uniform_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(t.data<T>(), n, seed, offset, low, high);
  });
  CUDA_CHECK_LAUNCH();
}

void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std) {
  int64_t n = t.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(t);
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (is_float_type<T>)
      normal_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(t.data<T>(), n, seed, offset, mean, std);
  });
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cuda
