// CUDA trilinear ×2 upsampling: one thread per output (forward) or per input element (backward,
// gathering the outputs that read it), with the taps of kernels/upsample_index.h.
#include "kernels/cuda/device_types.cuh"
#include "kernels/upsample.h"
#include "kernels/upsample_index.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;
using upsample_detail::linear_tap;
using upsample_detail::LinearTap;

template <typename T>
__global__ void forward_kernel(const T* x, T* y, int64_t D, int64_t H, int64_t W, int64_t n) {
  using C = compute_t<T>;
  const int64_t OD = 2 * D, OH = 2 * H, OW = 2 * W;
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n;
       o += int64_t(blockDim.x) * gridDim.x) {
    int64_t ow = o % OW, r = o / OW;
    int64_t oh = r % OH;
    r /= OH;
    int64_t od = r % OD, p = r / OD;
    LinearTap<C> a = linear_tap<C>(od, D), b = linear_tap<C>(oh, H), c = linear_tap<C>(ow, W);
    const T* xp = x + p * D * H * W;
    auto at = [&](int64_t d, int64_t h, int64_t w) { return C(xp[(d * H + h) * W + w]); };
    C v0 = b.w0 * (c.w0 * at(a.i0, b.i0, c.i0) + c.w1 * at(a.i0, b.i0, c.i1)) +
           b.w1 * (c.w0 * at(a.i0, b.i1, c.i0) + c.w1 * at(a.i0, b.i1, c.i1));
    C v1 = b.w0 * (c.w0 * at(a.i1, b.i0, c.i0) + c.w1 * at(a.i1, b.i0, c.i1)) +
           b.w1 * (c.w0 * at(a.i1, b.i1, c.i0) + c.w1 * at(a.i1, b.i1, c.i1));
    y[o] = T(a.w0 * v0 + a.w1 * v1);
  }
}

template <typename T>
__global__ void backward_kernel(const T* dy, T* dx, int64_t D, int64_t H, int64_t W, int64_t n) {
  using C = compute_t<T>;
  const int64_t OH = 2 * H, OW = 2 * W;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t w = i % W, r = i / W;
    int64_t h = r % H;
    r /= H;
    int64_t d = r % D, p = r / D;
    int64_t od[6], oh[6], ow[6];
    C wd[6], wh[6], ww[6];
    int nd = upsample_detail::reading_outputs<C>(d, D, od, wd);
    int nh = upsample_detail::reading_outputs<C>(h, H, oh, wh);
    int nw = upsample_detail::reading_outputs<C>(w, W, ow, ww);
    const T* g = dy + p * 8 * D * H * W;
    C acc = 0;
    for (int a = 0; a < nd; ++a)
      for (int b = 0; b < nh; ++b)
        for (int c = 0; c < nw; ++c)
          acc += wd[a] * wh[b] * ww[c] * C(g[(od[a] * OH + oh[b]) * OW + ow[c]]);
    dx[i] = T(acc);
  }
}

}  // namespace

void upsample_trilinear2x_forward(const Tensor& input, const Tensor& out) {
  int64_t n = out.numel();
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_floating("upsample_trilinear2x", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    forward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        input.data<T>(), out.data<T>(), input.size(2), input.size(3), input.size(4), n);
    CUDA_CHECK_LAUNCH();
  });
}

void upsample_trilinear2x_backward(const Tensor& grad_output, const Tensor& grad_input) {
  int64_t n = grad_input.numel();
  cudaStream_t stream = cudak::stream_for(grad_input);
  dispatch_floating("upsample_trilinear2x_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    backward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        grad_output.data<T>(), grad_input.data<T>(), grad_input.size(2), grad_input.size(3),
        grad_input.size(4), n);
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
