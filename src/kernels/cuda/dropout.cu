// CUDA dropout: one thread per element draws its group's Philox number (the same draw as the CPU
// reference) and scales or zeroes the element.
#include "kernels/cuda/device_types.cuh"
#include "kernels/dropout.h"
#include "kernels/dropout_rule.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cuda {
namespace {

template <typename T>
__global__ void dropout_kernel(const T* x, int64_t n, float p, acc_t<T> scale, uint64_t seed,
                               uint64_t offset, int64_t group_size, T* out) {
  using A = acc_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    bool keep = dropout_rule::keeps(p, seed, offset, uint64_t(i / group_size));
    out[i] = keep ? T(compute_t<T>(A(compute_t<T>(x[i])) * scale)) : T(compute_t<T>(0));
  }
}

}  // namespace

void dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size,
             const Tensor& out) {
  int64_t n = x.numel();
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("dropout", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    dropout_kernel<T><<<semisam::cuda::grid_for(n), semisam::cuda::kBlock, 0, stream>>>(
        x.data<T>(), n, float(p), acc_t<T>(dropout_rule::scale(p)), seed, offset, group_size,
        out.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
