// Numerically stable softmax and log-softmax over one axis (the channel axis 1 of N,C,... by
// default; -1 for attention rows), and their gradients from the saved output.
#pragma once

#include "kernels/norm_common.h"
#include "tensor/tensor.h"

namespace semisam::ops {

Tensor softmax(const Tensor& x, int64_t axis = 1);
Tensor log_softmax(const Tensor& x, int64_t axis = 1);
// d(loss)/dx from d(loss)/d(out) and the forward's output `out`.
Tensor softmax_backward(const Tensor& grad_out, const Tensor& out, int64_t axis = 1);
Tensor log_softmax_backward(const Tensor& grad_out, const Tensor& out, int64_t axis = 1);

// Backends: contiguous tensors seen as [outer, size, inner] around the axis.
namespace cpu {
void softmax(const Tensor& x, AxisSplit split, bool log, const Tensor& out);
void softmax_backward(const Tensor& grad_out, const Tensor& out, AxisSplit split, bool log,
                      const Tensor& dx);
}  // namespace cpu
namespace cuda {
void softmax(const Tensor& x, AxisSplit split, bool log, const Tensor& out);
void softmax_backward(const Tensor& grad_out, const Tensor& out, AxisSplit split, bool log,
                      const Tensor& dx);
}  // namespace cuda

}  // namespace semisam::ops
