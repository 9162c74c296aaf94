// Entry points of the 3-D convolution: shape checks, output allocation, backend dispatch, and the
// process-wide algorithm settings.
#include "kernels/conv3d.h"

#include <atomic>

#include "kernels/copy.h"
#include "kernels/dispatch.h"

#if SEMISAM_HAS_CUDA
#include "kernels/cuda/cudnn_conv.h"
#endif

namespace semisam::ops {
namespace {

std::atomic<bool> deterministic_setting{true};
std::atomic<ConvAlgoSearch> search_setting{ConvAlgoSearch::Heuristic};

void check_operands(const char* op, const Tensor& a, const Tensor& b) {
  check_defined(op, a);
  check_defined(op, b);
  check_same_device(op, a, b);
  check_same_dtype(op, a, b);
  check_floating(op, a);
}

void check_params(const char* op, const Conv3dParams& p) {
  for (int d = 0; d < 3; ++d) {
    SEMISAM_CHECK(p.stride[d] >= 1, op, ": stride must be at least 1, got ", p.stride[d]);
    SEMISAM_CHECK(p.padding[d] >= 0, op, ": padding must not be negative, got ", p.padding[d]);
  }
}

}  // namespace

bool conv_deterministic() { return deterministic_setting.load(); }
void set_conv_deterministic(bool on) { deterministic_setting.store(on); }
ConvAlgoSearch conv_algo_search() { return search_setting.load(); }
void set_conv_algo_search(ConvAlgoSearch search) { search_setting.store(search); }

ConvAlgoSearch parse_conv_algo_search(const std::string& name) {
  if (name == "heuristic") return ConvAlgoSearch::Heuristic;
  if (name == "benchmark") return ConvAlgoSearch::Benchmark;
  SEMISAM_FAIL("convolution search '", name, "' is not one of heuristic, benchmark");
}

std::string export_conv_algorithms() {
#if SEMISAM_HAS_CUDA
  return cudak::export_benchmark_choices();
#else
  return "";
#endif
}

void import_conv_algorithms(const std::string& text, const std::string& source) {
#if SEMISAM_HAS_CUDA
  cudak::import_benchmark_choices(text, source);
#else
  // Choices made on a GPU mean nothing to a CPU-only build, which has no algorithms to choose.
  (void)text;
  (void)source;
#endif
}

Shape conv3d_output_shape(const Shape& input, const Shape& weight, const Conv3dParams& p) {
  check_params("conv3d", p);
  SEMISAM_CHECK(input.size() == 5 && weight.size() == 5,
                "conv3d: input must be [N, C, D, H, W] and weight [Cout, Cin, kD, kH, kW], got ",
                shape_str(input), " and ", shape_str(weight));
  SEMISAM_CHECK(input[1] == weight[1], "conv3d: input ", shape_str(input), " has ", input[1],
                " channels but weight ", shape_str(weight), " expects ", weight[1]);
  Shape out{input[0], weight[0], 0, 0, 0};
  for (int d = 0; d < 3; ++d) {
    int64_t span = input[2 + d] + 2 * p.padding[d] - weight[2 + d];
    SEMISAM_CHECK(weight[2 + d] >= 1 && span >= 0, "conv3d: kernel of weight ", shape_str(weight),
                  " does not fit in the padded input ", shape_str(input));
    out[2 + d] = span / p.stride[d] + 1;
  }
  return out;
}

Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias,
              const Conv3dParams& params) {
  check_operands("conv3d", input, weight);
  Shape out_shape = conv3d_output_shape(input.shape(), weight.shape(), params);
  Tensor b;
  if (bias.defined()) {
    check_operands("conv3d (bias)", input, bias);
    SEMISAM_CHECK(bias.shape() == Shape{weight.size(0)}, "conv3d: bias ", bias.str(),
                  " does not match the ", weight.size(0), " output channels of weight ",
                  weight.str());
    b = contiguous(bias);
  }
  Tensor x = contiguous(input), w = contiguous(weight);
  Tensor out = Tensor::empty(out_shape, input.dtype(), input.device());
  if (out.numel() == 0) return out;
  by_device(
      "conv3d", input.device(), [&] { cpu::conv3d_forward(x, w, b, params, out); },
      [&] { cuda::conv3d_forward(x, w, b, params, out); });
  return out;
}

Tensor conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                             const Shape& input_shape, const Conv3dParams& params) {
  check_operands("conv3d_backward_input", grad_output, weight);
  Shape expected = conv3d_output_shape(input_shape, weight.shape(), params);
  SEMISAM_CHECK(grad_output.shape() == expected, "conv3d_backward_input: grad_output ",
                grad_output.str(), " does not match the output ", shape_str(expected), " of input ",
                shape_str(input_shape), " and weight ", weight.str());
  Tensor g = contiguous(grad_output), w = contiguous(weight);
  Tensor grad_input = Tensor::empty(input_shape, weight.dtype(), weight.device());
  if (grad_input.numel() == 0) return grad_input;
  if (g.numel() == 0) {
    fill_(grad_input, 0.0);
    return grad_input;
  }
  by_device(
      "conv3d_backward_input", weight.device(),
      [&] { cpu::conv3d_backward_input(g, w, params, grad_input); },
      [&] { cuda::conv3d_backward_input(g, w, params, grad_input); });
  return grad_input;
}

Tensor conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                              const Shape& weight_shape, const Conv3dParams& params) {
  check_operands("conv3d_backward_weight", grad_output, input);
  Shape expected = conv3d_output_shape(input.shape(), weight_shape, params);
  SEMISAM_CHECK(grad_output.shape() == expected, "conv3d_backward_weight: grad_output ",
                grad_output.str(), " does not match the output ", shape_str(expected), " of input ",
                input.str(), " and weight ", shape_str(weight_shape));
  Tensor g = contiguous(grad_output), x = contiguous(input);
  Tensor grad_weight = Tensor::empty(weight_shape, input.dtype(), input.device());
  if (g.numel() == 0 || x.numel() == 0) {
    fill_(grad_weight, 0.0);
    return grad_weight;
  }
  by_device(
      "conv3d_backward_weight", input.device(),
      [&] { cpu::conv3d_backward_weight(g, x, params, grad_weight); },
      [&] { cuda::conv3d_backward_weight(g, x, params, grad_weight); });
  return grad_weight;
}

Tensor conv3d_backward_bias(const Tensor& grad_output) {
  check_defined("conv3d_backward_bias", grad_output);
  check_floating("conv3d_backward_bias", grad_output);
  SEMISAM_CHECK(grad_output.dim() == 5,
                "conv3d_backward_bias: grad_output must be [N, C, D, H, W], got ",
                grad_output.str());
  Tensor g = contiguous(grad_output);
  Tensor grad_bias = Tensor::empty({g.size(1)}, g.dtype(), g.device());
  if (grad_bias.numel() == 0) return grad_bias;
  if (g.numel() == 0) {
    fill_(grad_bias, 0.0);
    return grad_bias;
  }
  by_device(
      "conv3d_backward_bias", g.device(), [&] { cpu::conv3d_backward_bias(g, grad_bias); },
      [&] { cuda::conv3d_backward_bias(g, grad_bias); });
  return grad_bias;
}

}  // namespace semisam::ops
