// CUDA backend of conv3d: maps tensors onto cuDNN passes in the current math mode. In bf16 mode
// float32 operands are rounded to bfloat16 copies, cuDNN accumulates in float32, and the result is
// widened back into the float32 output.
#include "kernels/conv3d.h"
#include "kernels/copy.h"
#include "kernels/cuda/conv3d_bias.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/precision.h"

namespace semisam::ops::cuda {
namespace {

using cudak::ConvPass;

cudnnDataType_t cudnn_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return CUDNN_DATA_FLOAT;
    case DType::Float64: return CUDNN_DATA_DOUBLE;
    case DType::BFloat16: return CUDNN_DATA_BFLOAT16;
    case DType::Float16: return CUDNN_DATA_HALF;
    default: SEMISAM_FAIL("conv3d: unsupported dtype ", dtype_name(dtype));
  }
}

// Whether float32 operands take the bf16 path.
bool rounds_to_bf16(DType dtype) {
  return dtype == DType::Float32 && math_mode() == MathMode::BF16;
}

Tensor operand(const Tensor& t, bool to_bf16) { return to_bf16 ? cast(t, DType::BFloat16) : t; }

// Runs `pass` writing into `result` (through a bf16 temporary when the operands were rounded).
// x_shape and w_shape are the PyTorch shapes of the activations and weights of the convolution.
void run(ConvPass pass, const Shape& x_shape, const Shape& w_shape, const Conv3dParams& params,
         const Tensor& x, const Tensor& w, const Tensor& y, const Tensor& result, bool to_bf16) {
  Tensor written =
      to_bf16 ? Tensor::empty(result.shape(), DType::BFloat16, result.device()) : result;
  cudak::ConvBuffers buffers{x.defined() ? x.data_ptr() : written.data_ptr(),
                             w.defined() ? w.data_ptr() : written.data_ptr(),
                             y.defined() ? y.data_ptr() : written.data_ptr()};
  DType data = to_bf16 ? DType::BFloat16 : result.dtype();
  cudak::ConvProblem problem =
      cudak::make_conv_problem(x_shape, w_shape, params, cudnn_type(data), cudak::ConvLayout::NCDHW,
                               math_mode() != MathMode::FP32);
  cudak::run_conv_pass(pass, problem, result.device().index, buffers,
                       cudak::ConvOptions{conv_deterministic(), conv_algo_search()});
  if (to_bf16) copy_(result, written);
}

}  // namespace

void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out) {
  bool to_bf16 = rounds_to_bf16(out.dtype());
  run(ConvPass::Forward, input.shape(), weight.shape(), params, operand(input, to_bf16),
      operand(weight, to_bf16), Tensor(), out, to_bf16);
  if (bias.defined()) cudak::add_channel_bias(out, bias);
}

void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input) {
  bool to_bf16 = rounds_to_bf16(grad_input.dtype());
  run(ConvPass::BackwardData, grad_input.shape(), weight.shape(), params, Tensor(),
      operand(weight, to_bf16), operand(grad_output, to_bf16), grad_input, to_bf16);
}

void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight) {
  bool to_bf16 = rounds_to_bf16(grad_weight.dtype());
  run(ConvPass::BackwardFilter, input.shape(), grad_weight.shape(), params, operand(input, to_bf16),
      Tensor(), operand(grad_output, to_bf16), grad_weight, to_bf16);
}

}  // namespace semisam::ops::cuda
