// CPU reference trilinear ×2 upsampling: per-axis taps computed once, then a plain loop over the
// outputs (forward) or over the inputs gathering the outputs that read them (backward).
#include <vector>

#include "kernels/upsample.h"
#include "kernels/upsample_index.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {

using upsample_detail::LinearTap;

template <typename C>
std::vector<LinearTap<C>> axis_taps(int64_t in_size) {
  std::vector<LinearTap<C>> taps;
  for (int64_t o = 0; o < 2 * in_size; ++o)
    taps.push_back(upsample_detail::linear_tap<C>(o, in_size));
  return taps;
}

// For each input index along an axis: the outputs that read it and their weights.
template <typename C>
struct AxisReaders {
  std::vector<int> count;
  std::vector<int64_t> outputs;  // 6 slots per input index
  std::vector<C> weights;
  explicit AxisReaders(int64_t in_size)
      : count(size_t(in_size)), outputs(size_t(in_size) * 6), weights(size_t(in_size) * 6) {
    for (int64_t i = 0; i < in_size; ++i)
      count[size_t(i)] = upsample_detail::reading_outputs<C>(i, in_size, &outputs[size_t(i) * 6],
                                                             &weights[size_t(i) * 6]);
  }
};

}  // namespace

void upsample_trilinear2x_forward(const Tensor& input, const Tensor& out) {
  const int64_t planes = input.size(0) * input.size(1);
  const int64_t D = input.size(2), H = input.size(3), W = input.size(4);
  dispatch_floating("upsample_trilinear2x", input.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    auto td = axis_taps<C>(D), th = axis_taps<C>(H), tw = axis_taps<C>(W);
    const T* x = input.data<T>();
    parallel_for(planes, 1, [&](int64_t p0, int64_t p1) {
      T* y = out.data<T>() + p0 * 8 * D * H * W;
      for (int64_t p = p0; p < p1; ++p) {
        const T* xp = x + p * D * H * W;
        auto at = [&](int64_t d, int64_t h, int64_t w) { return C(xp[(d * H + h) * W + w]); };
        for (const auto& a : td)
          for (const auto& b : th)
            for (const auto& c : tw) {
              C v0 = b.w0 * (c.w0 * at(a.i0, b.i0, c.i0) + c.w1 * at(a.i0, b.i0, c.i1)) +
                     b.w1 * (c.w0 * at(a.i0, b.i1, c.i0) + c.w1 * at(a.i0, b.i1, c.i1));
              C v1 = b.w0 * (c.w0 * at(a.i1, b.i0, c.i0) + c.w1 * at(a.i1, b.i0, c.i1)) +
                     b.w1 * (c.w0 * at(a.i1, b.i1, c.i0) + c.w1 * at(a.i1, b.i1, c.i1));
              *y++ = T(a.w0 * v0 + a.w1 * v1);
            }
      }
    });
  });
}

void upsample_trilinear2x_backward(const Tensor& grad_output, const Tensor& grad_input) {
  const int64_t planes = grad_input.size(0) * grad_input.size(1);
  const int64_t D = grad_input.size(2), H = grad_input.size(3), W = grad_input.size(4);
  const int64_t OH = 2 * H, OW = 2 * W;
  dispatch_floating("upsample_trilinear2x_backward", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    AxisReaders<C> rd(D), rh(H), rw(W);
    const T* dy = grad_output.data<T>();
    parallel_for(planes, 1, [&](int64_t p0, int64_t p1) {
      T* dx = grad_input.data<T>() + p0 * D * H * W;
      for (int64_t p = p0; p < p1; ++p) {
        const T* g = dy + p * 8 * D * H * W;
        for (int64_t d = 0; d < D; ++d)
          for (int64_t h = 0; h < H; ++h)
            for (int64_t w = 0; w < W; ++w) {
              C acc = 0;
              for (int a = 0; a < rd.count[size_t(d)]; ++a) {
                int64_t od = rd.outputs[size_t(d) * 6 + size_t(a)];
                C wa = rd.weights[size_t(d) * 6 + size_t(a)];
                for (int b = 0; b < rh.count[size_t(h)]; ++b) {
                  int64_t oh = rh.outputs[size_t(h) * 6 + size_t(b)];
                  C wb = rh.weights[size_t(h) * 6 + size_t(b)];
                  for (int c = 0; c < rw.count[size_t(w)]; ++c)
                    acc += wa * wb * rw.weights[size_t(w) * 6 + size_t(c)] *
                           C(g[(od * OH + oh) * OW + rw.outputs[size_t(w) * 6 + size_t(c)]]);
                }
              }
              *dx++ = T(acc);
            }
      }
    });
  });
}

}  // namespace semisam::ops::cpu
