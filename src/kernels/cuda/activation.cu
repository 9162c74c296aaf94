// CUDA activations: grid-stride elementwise kernels over the shared formulas, computing in float
// (double for double tensors).
#include "kernels/activation.h"
#include "kernels/cuda/device_types.cuh"
#include "kernels/norm_common.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

template <typename T>
__global__ void forward_kernel(Activation a, const T* x, acc_t<T> slope, T* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = T(compute_t<T>(act::forward<acc_t<T>>(a, acc_t<T>(compute_t<T>(x[i])), slope)));
}

template <typename T>
__global__ void backward_kernel(Activation a, const T* g, const T* saved, acc_t<T> slope, T* dx,
                                int64_t n) {
  using A = acc_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    dx[i] = T(compute_t<T>(
        act::backward<A>(a, A(compute_t<T>(g[i])), A(compute_t<T>(saved[i])), slope)));
}

}  // namespace

void activation(Activation a, const Tensor& x, double slope, const Tensor& out) {
  int64_t n = x.numel();
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating(activation_name(a), x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    forward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(a, x.data<T>(), acc_t<T>(slope),
                                                          out.data<T>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

void activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved, double slope,
                         const Tensor& dx) {
  int64_t n = saved.numel();
  cudaStream_t stream = cudak::stream_for(saved);
  dispatch_floating(activation_name(a), saved.dtype(), [&](auto tag) {
    using T = decltype(tag);
    backward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        a, grad_out.data<T>(), saved.data<T>(), acc_t<T>(slope), dx.data<T>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
