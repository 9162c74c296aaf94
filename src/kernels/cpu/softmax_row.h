// The CPU softmax of one row (`size` values `stride` apart), shared by the softmax op and the
// fused sliding-window accumulation so both produce the same bits: the float32 fast path (one
// expf per element, the sum in double) and the double reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "tensor/dtype.h"

namespace semisam::ops::cpu {

// Float32 fast path: exponentials stored in y, then rescaled by their double sum.
inline void softmax_row_float(const float* x, int64_t x_stride, int64_t size, float* y,
                              int64_t y_stride) {
  float mx = -INFINITY;
  for (int64_t k = 0; k < size; ++k) mx = std::max(mx, x[k * x_stride]);
  double sum = 0;
  for (int64_t k = 0; k < size; ++k) {
    const float e = std::exp(x[k * x_stride] - mx);
    y[k * y_stride] = e;
    sum += double(e);
  }
  for (int64_t k = 0; k < size; ++k) y[k * y_stride] = float(double(y[k * y_stride]) / sum);
}

// Reference: max, sum of exponentials and output in double, rounded once to T.
template <typename T>
inline void softmax_row_reference(const T* x, int64_t x_stride, int64_t size, bool log, T* y,
                                  int64_t y_stride) {
  double mx = -INFINITY;
  for (int64_t k = 0; k < size; ++k) mx = std::max(mx, double(x[k * x_stride]));
  double sum = 0;
  for (int64_t k = 0; k < size; ++k) sum += std::exp(double(x[k * x_stride]) - mx);
  const double log_sum = std::log(sum);
  for (int64_t k = 0; k < size; ++k) {
    const double shifted = double(x[k * x_stride]) - mx;
    const double v = log ? shifted - log_sum : std::exp(shifted) / sum;
    y[k * y_stride] = T(compute_t<T>(v));
  }
}

}  // namespace semisam::ops::cpu
