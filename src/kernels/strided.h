// StridedIndexer: maps the linear (row-major) index of an output element to the element offset
// of an input view with arbitrary strides (stride 0 for broadcast axes). Shared by both backends.
#pragma once

#include <cstdint>

#include "tensor/half_types.h"
#include "tensor/tensor.h"

namespace semisam::ops {

constexpr int kMaxDims = 8;

struct StridedIndexer {
  int ndim = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};

  SEMISAM_HD int64_t offset(int64_t linear) const {
    int64_t off = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      int64_t i = linear % sizes[d];
      linear /= sizes[d];
      off += i * strides[d];
    }
    return off;
  }
};

// Indexer for `t` viewed with `shape` (t is broadcast to it first). Adjacent axes that are
// contiguous with each other are merged so the common case costs one division.
StridedIndexer make_indexer(const Tensor& t, const Shape& shape);

}  // namespace semisam::ops
