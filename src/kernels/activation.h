// Pointwise activations and their gradients: ReLU, LeakyReLU, exact (erf) GELU, tanh, sigmoid.
#pragma once

#include "kernels/activation_functors.h"
#include "tensor/tensor.h"

namespace semisam::ops {

const char* activation_name(Activation a);
// Whether the backward reads the forward's output (ReLU, Tanh, Sigmoid) rather than its input.
bool activation_saves_output(Activation a);

// A new contiguous tensor; negative_slope is used by LeakyReLU only.
Tensor activation(Activation a, const Tensor& x, double negative_slope = 0.2);
// d(loss)/dx; `saved` is the forward's output or input as activation_saves_output says.
Tensor activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved,
                           double negative_slope = 0.2);

inline Tensor relu(const Tensor& x) { return activation(Activation::ReLU, x); }
inline Tensor leaky_relu(const Tensor& x, double slope = 0.2) {
  return activation(Activation::LeakyReLU, x, slope);
}
inline Tensor gelu(const Tensor& x) { return activation(Activation::GELU, x); }
inline Tensor tanh(const Tensor& x) { return activation(Activation::Tanh, x); }
inline Tensor sigmoid(const Tensor& x) { return activation(Activation::Sigmoid, x); }

// Backends: all tensors contiguous, same shape and dtype.
namespace cpu {
void activation(Activation a, const Tensor& x, double slope, const Tensor& out);
void activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved, double slope,
                         const Tensor& dx);
}  // namespace cpu
namespace cuda {
void activation(Activation a, const Tensor& x, double slope, const Tensor& out);
void activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved, double slope,
                         const Tensor& dx);
}  // namespace cuda

}  // namespace semisam::ops
