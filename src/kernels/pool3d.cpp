// Entry points of 3-D max and average pooling: shape checks, allocation, dispatch.
#include "kernels/pool3d.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

Shape checked_output(const char* op, const Tensor& input, const Pool3dParams& params) {
  check_defined(op, input);
  check_floating(op, input);
  return pool3d_output_shape(op, input.shape(), params);
}

void check_grad(const char* op, const Tensor& grad_output, const Shape& input_shape,
                const Pool3dParams& params) {
  check_defined(op, grad_output);
  check_floating(op, grad_output);
  Shape expected = pool3d_output_shape(op, input_shape, params);
  SEMISAM_CHECK(grad_output.shape() == expected, op, ": grad_output ", grad_output.str(),
                " does not match the output ", shape_str(expected), " of input ",
                shape_str(input_shape));
}

}  // namespace

Shape pool3d_output_shape(const char* op, const Shape& input, const Pool3dParams& params) {
  SEMISAM_CHECK(input.size() == 5, op, ": input must be [N, C, D, H, W], got ", shape_str(input));
  Shape out{input[0], input[1], 0, 0, 0};
  for (int d = 0; d < 3; ++d) {
    int64_t k = params.kernel[size_t(d)], s = params.stride[size_t(d)];
    SEMISAM_CHECK(k >= 1 && s >= 1, op, ": kernel and stride must be at least 1, got kernel ", k,
                  " and stride ", s);
    SEMISAM_CHECK(input[2 + d] >= k, op, ": a kernel of ", k, " does not fit axis ", 2 + d,
                  " of input ", shape_str(input));
    out[2 + d] = (input[2 + d] - k) / s + 1;
  }
  return out;
}

MaxPool3dResult max_pool3d(const Tensor& input, const Pool3dParams& params) {
  Shape out_shape = checked_output("max_pool3d", input, params);
  Tensor x = contiguous(input);
  MaxPool3dResult r{Tensor::empty(out_shape, input.dtype(), input.device()),
                    Tensor::empty(out_shape, DType::Int64, input.device())};
  if (r.values.numel() == 0) return r;
  by_device(
      "max_pool3d", input.device(),
      [&] { cpu::max_pool3d_forward(x, params, r.values, r.indices); },
      [&] { cuda::max_pool3d_forward(x, params, r.values, r.indices); });
  return r;
}

Tensor max_pool3d_backward(const Tensor& grad_output, const Tensor& indices,
                           const Shape& input_shape, const Pool3dParams& params) {
  check_grad("max_pool3d_backward", grad_output, input_shape, params);
  check_same_device("max_pool3d_backward", grad_output, indices);
  SEMISAM_CHECK(indices.dtype() == DType::Int64 && indices.shape() == grad_output.shape(),
                "max_pool3d_backward: indices ", indices.str(), " must be int64 shaped like ",
                grad_output.str());
  Tensor g = contiguous(grad_output), idx = contiguous(indices);
  Tensor grad_input = Tensor::empty(input_shape, grad_output.dtype(), grad_output.device());
  if (grad_input.numel() == 0) return grad_input;
  by_device(
      "max_pool3d_backward", grad_output.device(),
      [&] { cpu::max_pool3d_backward(g, idx, params, grad_input); },
      [&] { cuda::max_pool3d_backward(g, idx, params, grad_input); });
  return grad_input;
}

Tensor avg_pool3d(const Tensor& input, const Pool3dParams& params) {
  Shape out_shape = checked_output("avg_pool3d", input, params);
  Tensor x = contiguous(input);
  Tensor out = Tensor::empty(out_shape, input.dtype(), input.device());
  if (out.numel() == 0) return out;
  by_device(
      "avg_pool3d", input.device(), [&] { cpu::avg_pool3d_forward(x, params, out); },
      [&] { cuda::avg_pool3d_forward(x, params, out); });
  return out;
}

Tensor avg_pool3d_backward(const Tensor& grad_output, const Shape& input_shape,
                           const Pool3dParams& params) {
  check_grad("avg_pool3d_backward", grad_output, input_shape, params);
  Tensor g = contiguous(grad_output);
  Tensor grad_input = Tensor::empty(input_shape, grad_output.dtype(), grad_output.device());
  if (grad_input.numel() == 0) return grad_input;
  by_device(
      "avg_pool3d_backward", grad_output.device(),
      [&] { cpu::avg_pool3d_backward(g, params, grad_input); },
      [&] { cuda::avg_pool3d_backward(g, params, grad_input); });
  return grad_input;
}

}  // namespace semisam::ops
