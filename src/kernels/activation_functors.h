// The scalar formulas of the activations and their derivatives, written once for the CPU
// reference (in double) and the CUDA kernels (in float, or double for double tensors).
#pragma once

#include <cmath>

#include "tensor/half_types.h"

namespace semisam::ops {

enum class Activation { ReLU, LeakyReLU, GELU, Tanh, Sigmoid };

namespace act {

SEMISAM_HD float erf_of(float x) { return ::erff(x); }
SEMISAM_HD double erf_of(double x) { return ::erf(x); }
SEMISAM_HD float exp_of(float x) { return ::expf(x); }
SEMISAM_HD double exp_of(double x) { return ::exp(x); }
SEMISAM_HD float tanh_of(float x) { return ::tanhf(x); }
SEMISAM_HD double tanh_of(double x) { return ::tanh(x); }

template <typename C>
SEMISAM_HD C forward(Activation a, C x, C slope) {
  switch (a) {
    case Activation::ReLU: return (x > C(0) || x != x) ? x : C(0);  // NaN propagates
    case Activation::LeakyReLU: return x > C(0) ? x : x * slope;
    case Activation::GELU: return C(0.5) * x * (C(1) + erf_of(x * C(0.70710678118654752440)));
    case Activation::Tanh: return tanh_of(x);
    case Activation::Sigmoid: return C(1) / (C(1) + exp_of(-x));
  }
  return x;
}

// `saved` is the output for ReLU, Tanh and Sigmoid and the input for LeakyReLU and GELU (see
// activation_saves_output). At 0 the ReLU gradient is 0 and the LeakyReLU gradient is the slope,
// as in PyTorch.
template <typename C>
SEMISAM_HD C backward(Activation a, C grad, C saved, C slope) {
  switch (a) {
    case Activation::ReLU: return saved > C(0) ? grad : C(0);
    case Activation::LeakyReLU: return saved > C(0) ? grad : grad * slope;
    case Activation::GELU: {
      C cdf = C(0.5) * (C(1) + erf_of(saved * C(0.70710678118654752440)));
      C pdf = exp_of(C(-0.5) * saved * saved) * C(0.39894228040143267794);
      return grad * (cdf + saved * pdf);
    }
    case Activation::Tanh: return grad * (C(1) - saved * saved);
    case Activation::Sigmoid: return grad * saved * (C(1) - saved);
  }
  return grad;
}

}  // namespace act
}  // namespace semisam::ops
