// Reductions over all or chosen axes: sum, mean, max (values), argmax (first maximum wins; NaN
// counts as the maximum, as in PyTorch). Deterministic on every backend: no atomics.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace semisam::ops {

enum class ReduceOp { Sum, Mean, Max, ArgMax };

// axes empty = every axis. Sum of an integer tensor is int64; Mean needs a floating tensor.
Tensor sum(const Tensor& t, const std::vector<int64_t>& axes = {}, bool keepdim = false);
Tensor mean(const Tensor& t, const std::vector<int64_t>& axes = {}, bool keepdim = false);
Tensor max(const Tensor& t, const std::vector<int64_t>& axes = {}, bool keepdim = false);
// int64 index along `axis`.
Tensor argmax(const Tensor& t, int64_t axis, bool keepdim = false);
// int64 0-d tensor: the row-major index of the first maximum over all elements.
Tensor argmax(const Tensor& t);
// Sums `t` down to `shape` (the inverse of broadcasting `shape` up to t's shape).
Tensor sum_to(const Tensor& t, const Shape& shape);

// Backends reduce each row of a contiguous [rows, cols] tensor into out[rows] (contiguous).
namespace cpu {
void reduce_rows(ReduceOp op, const Tensor& in, const Tensor& out);
}
namespace cuda {
void reduce_rows(ReduceOp op, const Tensor& in, const Tensor& out);
}

}  // namespace semisam::ops
