// CPU reference pooling: plain loops over every output window (forward) and over the windows
// that cover every input element (backward, a gather).
#include <cmath>
#include <limits>

#include "kernels/pool3d.h"
#include "kernels/pool3d_window.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {

using pool_detail::covering_windows;
using pool_detail::make_pool_geometry;
using pool_detail::PoolGeometry;

// Calls fn(plane, od, oh, ow, output index) for every output element, planes spread over the
// shared pool (each output is written by exactly one call).
template <typename Fn>
void for_each_output(const PoolGeometry& g, Fn&& fn) {
  parallel_for(g.planes, 1, [&](int64_t p0, int64_t p1) {
    int64_t o = p0 * g.out_volume;
    for (int64_t p = p0; p < p1; ++p)
      for (int64_t od = 0; od < g.out[0]; ++od)
        for (int64_t oh = 0; oh < g.out[1]; ++oh)
          for (int64_t ow = 0; ow < g.out[2]; ++ow) fn(p, od, oh, ow, o++);
  });
}

// Calls fn(plane, input index, od, oh, ow, output index) for every (input element, window that
// contains it) pair of planes [p0, p1), windows in increasing output order; fn_done(input index)
// after each input.
template <typename Fn, typename Done>
void for_each_cover(const PoolGeometry& g, int64_t p0, int64_t p1, Fn&& fn, Done&& done) {
  int64_t i = p0 * g.in_volume;
  for (int64_t p = p0; p < p1; ++p)
    for (int64_t d = 0; d < g.in[0]; ++d)
      for (int64_t h = 0; h < g.in[1]; ++h)
        for (int64_t w = 0; w < g.in[2]; ++w, ++i) {
          int64_t d0, d1, h0, h1, w0, w1;
          covering_windows(d, g.kernel[0], g.stride[0], g.out[0], &d0, &d1);
          covering_windows(h, g.kernel[1], g.stride[1], g.out[1], &h0, &h1);
          covering_windows(w, g.kernel[2], g.stride[2], g.out[2], &w0, &w1);
          for (int64_t od = d0; od <= d1; ++od)
            for (int64_t oh = h0; oh <= h1; ++oh)
              for (int64_t ow = w0; ow <= w1; ++ow)
                fn(p, i, od, oh, ow, p * g.out_volume + (od * g.out[1] + oh) * g.out[2] + ow);
          done(i);
        }
}

}  // namespace

void max_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out,
                        const Tensor& indices) {
  PoolGeometry g = make_pool_geometry(input.shape(), out.shape(), params);
  dispatch_floating("max_pool3d", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* x = input.data<T>();
    T* y = out.data<T>();
    int64_t* idx = indices.data<int64_t>();
    for_each_output(g, [&](int64_t p, int64_t od, int64_t oh, int64_t ow, int64_t o) {
      const T* plane = x + p * g.in_volume;
      int64_t d0 = od * g.stride[0], h0 = oh * g.stride[1], w0 = ow * g.stride[2];
      int64_t best_index = (d0 * g.in[1] + h0) * g.in[2] + w0;
      C best = -std::numeric_limits<C>::infinity();
      for (int64_t d = d0; d < d0 + g.kernel[0]; ++d)
        for (int64_t h = h0; h < h0 + g.kernel[1]; ++h)
          for (int64_t w = w0; w < w0 + g.kernel[2]; ++w) {
            int64_t index = (d * g.in[1] + h) * g.in[2] + w;
            C v = C(plane[index]);
            if (v > best || std::isnan(v)) {
              best = v;
              best_index = index;
            }
          }
      y[o] = T(best);
      idx[o] = best_index;
    });
  });
}

void max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                         const Pool3dParams& params, const Tensor& grad_input) {
  PoolGeometry g = make_pool_geometry(grad_input.shape(), grad_output.shape(), params);
  dispatch_floating("max_pool3d_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* dy = grad_output.data<T>();
    const int64_t* idx = indices.data<int64_t>();
    T* dx = grad_input.data<T>();
    parallel_for(g.planes, 1, [&](int64_t p0, int64_t p1) {
      C acc = 0;
      for_each_cover(
          g, p0, p1,
          [&](int64_t p, int64_t i, int64_t, int64_t, int64_t, int64_t o) {
            if (idx[o] == i - p * g.in_volume) acc += C(dy[o]);
          },
          [&](int64_t i) {
            dx[i] = T(acc);
            acc = 0;
          });
    });
  });
}

void avg_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out) {
  PoolGeometry g = make_pool_geometry(input.shape(), out.shape(), params);
  dispatch_floating("avg_pool3d", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* x = input.data<T>();
    T* y = out.data<T>();
    const C count = C(g.kernel[0] * g.kernel[1] * g.kernel[2]);
    for_each_output(g, [&](int64_t p, int64_t od, int64_t oh, int64_t ow, int64_t o) {
      const T* plane = x + p * g.in_volume;
      C sum = 0;
      for (int64_t d = od * g.stride[0]; d < od * g.stride[0] + g.kernel[0]; ++d)
        for (int64_t h = oh * g.stride[1]; h < oh * g.stride[1] + g.kernel[1]; ++h)
          for (int64_t w = ow * g.stride[2]; w < ow * g.stride[2] + g.kernel[2]; ++w)
            sum += C(plane[(d * g.in[1] + h) * g.in[2] + w]);
      y[o] = T(sum / count);
    });
  });
}

void avg_pool3d_backward(const Tensor& grad_output, const Pool3dParams& params,
                         const Tensor& grad_input) {
  PoolGeometry g = make_pool_geometry(grad_input.shape(), grad_output.shape(), params);
  dispatch_floating("avg_pool3d_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* dy = grad_output.data<T>();
    T* dx = grad_input.data<T>();
    const C count = C(g.kernel[0] * g.kernel[1] * g.kernel[2]);
    parallel_for(g.planes, 1, [&](int64_t p0, int64_t p1) {
      C acc = 0;
      for_each_cover(
          g, p0, p1,
          [&](int64_t, int64_t, int64_t, int64_t, int64_t, int64_t o) { acc += C(dy[o]); },
          [&](int64_t i) {
            dx[i] = T(acc / count);
            acc = 0;
          });
    });
  });
}

}  // namespace semisam::ops::cpu
