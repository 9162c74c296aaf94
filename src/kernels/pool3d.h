// 3-D max and average pooling on NCDHW tensors, no padding, floor-sized output (PyTorch's
// MaxPool3d / AvgPool3d with padding 0 and ceil_mode false). Backward passes are gathers: every
// input element sums the windows that contain it, so no backend needs atomics.
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

struct Pool3dParams {
  std::array<int64_t, 3> kernel{2, 2, 2};
  std::array<int64_t, 3> stride{2, 2, 2};
};

// Pooling with kernel = stride = k along every axis.
inline Pool3dParams pool3d_cube(int64_t k) { return Pool3dParams{{k, k, k}, {k, k, k}}; }

// [N, C, (D − kD)/sD + 1, ...]; throws naming the op and the shapes when the window does not fit.
Shape pool3d_output_shape(const char* op, const Shape& input, const Pool3dParams& params);

// Max pooling. indices (int64, the output's shape) hold the flat index d·H·W + h·W + w of the
// chosen element within its input plane, as PyTorch's return_indices. The window is scanned in
// d, h, w order and an element replaces the best so far only when strictly greater, so among
// equal values the first in that order wins (and receives the whole gradient); a NaN always
// replaces the best, so the last NaN of a window wins and the output is NaN, as in PyTorch.
struct MaxPool3dResult {
  Tensor values;
  Tensor indices;
};
MaxPool3dResult max_pool3d(const Tensor& input, const Pool3dParams& params);
// grad_input[i] = Σ over the windows that chose i of grad_output (windows may overlap when
// stride < kernel); elements no window chose get 0.
Tensor max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                           const Shape& input_shape, const Pool3dParams& params);

// Average pooling: the mean of each window (divisor kD·kH·kW).
Tensor avg_pool3d(const Tensor& input, const Pool3dParams& params);
Tensor avg_pool3d_backward(const Tensor& grad_output, const Shape& input_shape,
                           const Pool3dParams& params);

// Backends: contiguous tensors with their final shapes.
namespace cpu {
void max_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out,
                        const Tensor& indices);
void max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                         const Pool3dParams& params, const Tensor& grad_input);
void avg_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out);
void avg_pool3d_backward(const Tensor& grad_output, const Pool3dParams& params,
                         const Tensor& grad_input);
}  // namespace cpu
namespace cuda {
void max_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out,
                        const Tensor& indices);
void max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                         const Pool3dParams& params, const Tensor& grad_input);
void avg_pool3d_forward(const Tensor& input, const Pool3dParams& params, const Tensor& out);
void avg_pool3d_backward(const Tensor& grad_output, const Pool3dParams& params,
                         const Tensor& grad_input);
}  // namespace cuda

}  // namespace semisam::ops
