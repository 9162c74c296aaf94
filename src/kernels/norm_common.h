// Shared by the normalisation, softmax and loss families: the [outer, size, inner] view of one
// axis of a contiguous tensor and the accumulation type (dispatch_floating is in tensor/dtype.h).
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

// A contiguous tensor seen as [outer, size, inner] around one axis: element (o, k, i) sits at
// (o * size + k) * inner + i.
struct AxisSplit {
  int64_t outer = 1, size = 1, inner = 1;
};

inline AxisSplit split_at_axis(const Shape& shape, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d) {
    if (d < axis) s.outer *= shape[d];
    else if (d == axis) s.size = shape[d];
    else s.inner *= shape[d];
  }
  return s;
}

// Statistics and sums accumulate in float for float and the half types, in double for double.
template <typename T> struct AccType { using type = float; };
template <> struct AccType<double> { using type = double; };
template <typename T> using acc_t = typename AccType<T>::type;

// The dtype of saved statistics (mean, rstd) for an input dtype.
inline DType stat_dtype(DType dtype) {
  return dtype == DType::Float64 ? DType::Float64 : DType::Float32;
}

}  // namespace semisam::ops
