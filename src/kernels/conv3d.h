// 3-D convolution (cross-correlation, as PyTorch's Conv3d) on NCDHW tensors with weights
// [Cout, Cin, kD, kH, kW]: forward, data gradient, weight gradient, bias gradient. cuDNN on CUDA
// in the math mode of kernels/precision.h; im2col + blocked matrix products on the CPU.
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

struct Conv3dParams {
  std::array<int64_t, 3> stride{1, 1, 1};
  std::array<int64_t, 3> padding{0, 0, 0};  // zeros on both sides of each spatial axis
};

// [N, Cout, Do, Ho, Wo] with Do = (D + 2·pad − kD) / stride + 1 (floor); throws naming the op
// and both shapes when they do not fit together.
Shape conv3d_output_shape(const Shape& input, const Shape& weight, const Conv3dParams& params);

// bias may be an undefined Tensor (no bias). Operands share dtype and device.
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias,
              const Conv3dParams& params);
// d(loss)/d(input) for an input of `input_shape` (needed because strides floor the output size).
Tensor conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                             const Shape& input_shape, const Conv3dParams& params);
// d(loss)/d(weight) for weights of `weight_shape`.
Tensor conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                              const Shape& weight_shape, const Conv3dParams& params);
// d(loss)/d(bias): grad_output summed over N, D, H, W (deterministic on every backend).
Tensor conv3d_backward_bias(const Tensor& grad_output);

// How cuDNN algorithms are chosen. Deterministic (the default, like the reference's
// cudnn.deterministic = True) excludes algorithms whose results may vary from run to run.
// Heuristic asks cuDNN's heuristics (cudnnGet*_v7, the reference's benchmark = False);
// Benchmark times the candidates once per shape (cudnnFind*Ex) and keeps the fastest.
enum class ConvAlgoSearch { Heuristic, Benchmark };
bool conv_deterministic();
void set_conv_deterministic(bool on);
ConvAlgoSearch conv_algo_search();
void set_conv_algo_search(ConvAlgoSearch search);
ConvAlgoSearch parse_conv_algo_search(const std::string& name);  // "heuristic" | "benchmark"

// The algorithms Benchmark searches chose so far, as text (one line per problem and pass), so a
// training run stores them with its state and a resumed run reuses them: a timed choice can
// differ from one search to the next, and another algorithm changes the last bits. Empty without
// the CUDA backend or before any benchmark search. Importing adds the choices it names (replacing
// earlier ones for the same problems); errors name `source` and the line.
std::string export_conv_algorithms();
void import_conv_algorithms(const std::string& text, const std::string& source);

// Backends: every tensor contiguous NCDHW, outputs allocated with their final shapes. The
// gradients overwrite their outputs (no accumulation). bias may be undefined.
namespace cpu {
void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out);
void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input);
void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight);
void conv3d_backward_bias(const Tensor& grad_output, const Tensor& grad_bias);
}  // namespace cpu
namespace cuda {
void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out);
void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input);
void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight);
void conv3d_backward_bias(const Tensor& grad_output, const Tensor& grad_bias);
}  // namespace cuda

}  // namespace semisam::ops
