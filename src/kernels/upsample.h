// Trilinear ×2 upsampling of NCDHW tensors with align_corners = false, exactly PyTorch's
// interpolate(scale_factor=2, mode='trilinear'): output index o along an axis of input size n
// reads source coordinate s = max((o + 0.5)/2 − 0.5, 0) and blends i0 = floor(s) and
// i1 = min(i0 + 1, n − 1) with weights 1 − (s − i0) and s − i0. The backward pass is a gather:
// every input element sums the outputs that read it, so no backend needs atomics.
#pragma once

#include "tensor/tensor.h"

namespace semisam::ops {

// [N, C, D, H, W] -> [N, C, 2D, 2H, 2W].
Tensor upsample_trilinear2x(const Tensor& input);
Tensor upsample_trilinear2x_backward(const Tensor& grad_output, const Shape& input_shape);

// Backends: contiguous tensors with their final shapes.
namespace cpu {
void upsample_trilinear2x_forward(const Tensor& input, const Tensor& out);
void upsample_trilinear2x_backward(const Tensor& grad_output, const Tensor& grad_input);
}  // namespace cpu
namespace cuda {
void upsample_trilinear2x_forward(const Tensor& input, const Tensor& out);
void upsample_trilinear2x_backward(const Tensor& grad_output, const Tensor& grad_input);
}  // namespace cuda

}  // namespace semisam::ops
