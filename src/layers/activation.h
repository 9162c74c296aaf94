// Differentiable activations: ReLU, LeakyReLU (slope 0.2 by default, as the DAN discriminator
// uses), exact erf GELU, tanh, sigmoid. Gradients at kinks follow PyTorch: ReLU'(0) = 0,
// LeakyReLU'(0) = slope.
#pragma once

#include "autograd/variable.h"

namespace semisam::layers {

ag::Variable relu(const ag::Variable& x);
ag::Variable leaky_relu(const ag::Variable& x, double negative_slope = 0.2);
ag::Variable gelu(const ag::Variable& x);
ag::Variable tanh(const ag::Variable& x);
ag::Variable sigmoid(const ag::Variable& x);

}  // namespace semisam::layers
