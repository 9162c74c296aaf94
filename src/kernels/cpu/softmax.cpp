// CPU softmax and log-softmax: per row, max, sum of exponentials and output in double (the
// reference), or the float32 fast path below; rows spread over the shared pool.
#include <algorithm>
#include <cmath>

#include "kernels/cpu/softmax_row.h"
#include "kernels/cpu_backend.h"
#include "kernels/softmax.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {

namespace {

// The float32 fast path of softmax (not log-softmax): one exponential per element, in float
// (expf, within an ulp), stored and rescaled, the sum still in double. The reference computes each
// exponential twice in double; the two differ by about one float ulp.
void softmax_float(const float* in, float* o, AxisSplit s) {
  parallel_for(s.outer * s.inner, grain_for(8 * s.size), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t base = (r / s.inner) * s.size * s.inner + r % s.inner;
      softmax_row_float(in + base, s.inner, s.size, o + base, s.inner);
    }
  });
}

}  // namespace

void softmax(const Tensor& x, AxisSplit s, bool log, const Tensor& out) {
  if (!log && x.dtype() == DType::Float32 && cpu_kernels() == CpuKernels::Fast) {
    softmax_float(x.data<float>(), out.data<float>(), s);
    return;
  }
  dispatch_floating("softmax", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data<T>();
    T* o = out.data<T>();
    parallel_for(s.outer * s.inner, grain_for(4 * s.size), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t base = (r / s.inner) * s.size * s.inner + r % s.inner;
        softmax_row_reference(in + base, s.inner, s.size, log, o + base, s.inner);
      }
    });
  });
}

void softmax_backward(const Tensor& grad_out, const Tensor& out, AxisSplit s, bool log,
                      const Tensor& dx) {
  dispatch_floating("softmax_backward", out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = grad_out.data<T>();
    const T* y = out.data<T>();
    T* d = dx.data<T>();
    parallel_for(s.outer * s.inner, grain_for(4 * s.size), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t outer = r / s.inner, inner = r % s.inner;
        int64_t base = outer * s.size * s.inner + inner;
        // softmax: dx = y·(g − Σ g·y); log-softmax: dx = g − exp(y)·Σ g.
        double dot = 0;
        for (int64_t k = 0; k < s.size; ++k) {
          int64_t e = base + k * s.inner;
          dot += log ? double(g[e]) : double(g[e]) * double(y[e]);
        }
        for (int64_t k = 0; k < s.size; ++k) {
          int64_t e = base + k * s.inner;
          double v = log ? double(g[e]) - std::exp(double(y[e])) * dot
                         : double(y[e]) * (double(g[e]) - dot);
          d[e] = T(compute_t<T>(v));
        }
      }
    });
  });
}

}  // namespace semisam::ops::cpu
