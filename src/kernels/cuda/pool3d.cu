// CUDA pooling: one thread per output window (forward) or per input element (backward, a gather
// over the windows that cover it), the same scan order and tie rule as the CPU reference.
#include "kernels/cuda/device_types.cuh"
#include "kernels/pool3d.h"
#include "kernels/pool3d_window.h"

namespace semisam::ops::cuda {
namespace {

using pool_detail::covering_windows;
using pool_detail::make_pool_geometry;
using pool_detail::PoolGeometry;
using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

// Splits a flat output index into (plane, od, oh, ow).
__device__ __forceinline__ void split_output(const PoolGeometry& g, int64_t o, int64_t* p,
                                             int64_t* od, int64_t* oh, int64_t* ow) {
  *ow = o % g.out[2];
  int64_t r = o / g.out[2];
  *oh = r % g.out[1];
  r /= g.out[1];
  *od = r % g.out[0];
  *p = r / g.out[0];
}

template <typename T>
__global__ void max_forward_kernel(PoolGeometry g, const T* x, T* y, int64_t* indices, int64_t n) {
  using C = compute_t<T>;
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n;
       o += int64_t(blockDim.x) * gridDim.x) {
    int64_t p, od, oh, ow;
    split_output(g, o, &p, &od, &oh, &ow);
    const T* plane = x + p * g.in_volume;
    int64_t d0 = od * g.stride[0], h0 = oh * g.stride[1], w0 = ow * g.stride[2];
    int64_t best_index = (d0 * g.in[1] + h0) * g.in[2] + w0;
    C best = C(-INFINITY);
    for (int64_t d = d0; d < d0 + g.kernel[0]; ++d)
      for (int64_t h = h0; h < h0 + g.kernel[1]; ++h)
        for (int64_t w = w0; w < w0 + g.kernel[2]; ++w) {
          int64_t index = (d * g.in[1] + h) * g.in[2] + w;
          C v = C(plane[index]);
          if (v > best || isnan(v)) {
            best = v;
            best_index = index;
          }
        }
    y[o] = T(best);
    indices[o] = best_index;
  }
}

template <typename T>
__global__ void avg_forward_kernel(PoolGeometry g, const T* x, T* y, int64_t n) {
  using C = compute_t<T>;
  const C count = C(g.kernel[0] * g.kernel[1] * g.kernel[2]);
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n;
       o += int64_t(blockDim.x) * gridDim.x) {
    int64_t p, od, oh, ow;
    split_output(g, o, &p, &od, &oh, &ow);
    const T* plane = x + p * g.in_volume;
    C sum = 0;
    for (int64_t d = od * g.stride[0]; d < od * g.stride[0] + g.kernel[0]; ++d)
      for (int64_t h = oh * g.stride[1]; h < oh * g.stride[1] + g.kernel[1]; ++h)
        for (int64_t w = ow * g.stride[2]; w < ow * g.stride[2] + g.kernel[2]; ++w)
          sum += C(plane[(d * g.in[1] + h) * g.in[2] + w]);
    y[o] = T(sum / count);
  }
}

// kMax: sum grad_output over covering windows whose index chose this element; otherwise
// (average) sum all covering windows and divide by the window size.
template <typename T, bool kMax>
__global__ void backward_kernel(PoolGeometry g, const T* dy, const int64_t* indices, T* dx,
                                int64_t n) {
  using C = compute_t<T>;
  const C count = C(g.kernel[0] * g.kernel[1] * g.kernel[2]);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t w = i % g.in[2], r = i / g.in[2];
    int64_t h = r % g.in[1];
    r /= g.in[1];
    int64_t d = r % g.in[0], p = r / g.in[0];
    int64_t local = (d * g.in[1] + h) * g.in[2] + w;
    int64_t d0, d1, h0, h1, w0, w1;
    covering_windows(d, g.kernel[0], g.stride[0], g.out[0], &d0, &d1);
    covering_windows(h, g.kernel[1], g.stride[1], g.out[1], &h0, &h1);
    covering_windows(w, g.kernel[2], g.stride[2], g.out[2], &w0, &w1);
    C acc = 0;
    for (int64_t od = d0; od <= d1; ++od)
      for (int64_t oh = h0; oh <= h1; ++oh)
        for (int64_t ow = w0; ow <= w1; ++ow) {
          int64_t o = p * g.out_volume + (od * g.out[1] + oh) * g.out[2] + ow;
          if (!kMax || indices[o] == local) acc += C(dy[o]);
        }
    dx[i] = T(kMax ? acc : acc / count);
  }
}

}  // namespace

void max_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out,
                        const Tensor& indices) {
  PoolGeometry g = make_pool_geometry(input.shape(), out.shape(), params);
  int64_t n = out.numel();
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_floating("max_pool3d", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    max_forward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(g, input.data<T>(), out.data<T>(),
                                                              indices.data<int64_t>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

void max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                         const Pool3dParams& params, const Tensor& grad_input) {
  PoolGeometry g = make_pool_geometry(grad_input.shape(), grad_output.shape(), params);
  int64_t n = grad_input.numel();
  cudaStream_t stream = cudak::stream_for(grad_input);
  dispatch_floating("max_pool3d_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    backward_kernel<T, true><<<grid_for(n), kBlock, 0, stream>>>(
        g, grad_output.data<T>(), indices.data<int64_t>(), grad_input.data<T>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

void avg_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out) {
  PoolGeometry g = make_pool_geometry(input.shape(), out.shape(), params);
  int64_t n = out.numel();
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_floating("avg_pool3d", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    avg_forward_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(g, input.data<T>(), out.data<T>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

void avg_pool3d_backward(const Tensor& grad_output, const Pool3dParams& params,
                         const Tensor& grad_input) {
  PoolGeometry g = make_pool_geometry(grad_input.shape(), grad_output.shape(), params);
  int64_t n = grad_input.numel();
  cudaStream_t stream = cudak::stream_for(grad_input);
  dispatch_floating("avg_pool3d_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    backward_kernel<T, false><<<grid_for(n), kBlock, 0, stream>>>(g, grad_output.data<T>(), nullptr,
                                                                  grad_input.data<T>(), n);
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
