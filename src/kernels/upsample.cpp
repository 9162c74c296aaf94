// Entry points of trilinear ×2 upsampling: shape checks, allocation, dispatch.
#include "kernels/upsample.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {

Tensor upsample_trilinear2x(const Tensor& input) {
  check_defined("upsample_trilinear2x", input);
  check_floating("upsample_trilinear2x", input);
  SEMISAM_CHECK(input.dim() == 5, "upsample_trilinear2x: input must be [N, C, D, H, W], got ",
                input.str());
  Shape out_shape = input.shape();
  for (int d = 2; d < 5; ++d) out_shape[size_t(d)] *= 2;
  Tensor x = contiguous(input);
  Tensor out = Tensor::empty(out_shape, input.dtype(), input.device());
  if (out.numel() == 0) return out;
  by_device(
      "upsample_trilinear2x", input.device(), [&] { cpu::upsample_trilinear2x_forward(x, out); },
      [&] { cuda::upsample_trilinear2x_forward(x, out); });
  return out;
}

Tensor upsample_trilinear2x_backward(const Tensor& grad_output, const Shape& input_shape) {
  check_defined("upsample_trilinear2x_backward", grad_output);
  check_floating("upsample_trilinear2x_backward", grad_output);
  SEMISAM_CHECK(input_shape.size() == 5, "upsample_trilinear2x_backward: input shape must be ",
                "[N, C, D, H, W], got ", shape_str(input_shape));
  Shape expected = input_shape;
  for (int d = 2; d < 5; ++d) expected[size_t(d)] *= 2;
  SEMISAM_CHECK(grad_output.shape() == expected, "upsample_trilinear2x_backward: grad_output ",
                grad_output.str(), " does not match the output ", shape_str(expected), " of input ",
                shape_str(input_shape));
  Tensor g = contiguous(grad_output);
  Tensor grad_input = Tensor::empty(input_shape, grad_output.dtype(), grad_output.device());
  if (grad_input.numel() == 0) return grad_input;
  by_device(
      "upsample_trilinear2x_backward", grad_output.device(),
      [&] { cpu::upsample_trilinear2x_backward(g, grad_input); },
      [&] { cuda::upsample_trilinear2x_backward(g, grad_input); });
  return grad_input;
}

}  // namespace semisam::ops
