// Entry points of the activations: checks, allocation, dispatch.
#include "kernels/activation.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::ReLU: return "relu";
    case Activation::LeakyReLU: return "leaky_relu";
    case Activation::GELU: return "gelu";
    case Activation::Tanh: return "tanh";
    case Activation::Sigmoid: return "sigmoid";
  }
  return "activation";
}

bool activation_saves_output(Activation a) {
  return a == Activation::ReLU || a == Activation::Tanh || a == Activation::Sigmoid;
}

Tensor activation(Activation a, const Tensor& x, double negative_slope) {
  const char* op = activation_name(a);
  check_floating(op, x);
  Tensor xc = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.numel() == 0) return out;
  by_device(op, x.device(), [&] { cpu::activation(a, xc, negative_slope, out); },
            [&] { cuda::activation(a, xc, negative_slope, out); });
  return out;
}

Tensor activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved,
                           double negative_slope) {
  const char* op = activation_name(a);
  check_floating(op, saved);
  check_defined(op, grad_out);
  check_same_device(op, grad_out, saved);
  check_same_dtype(op, grad_out, saved);
  SEMISAM_CHECK(grad_out.shape() == saved.shape(), op, "_backward: gradient ", grad_out.str(),
                " does not match the saved tensor ", saved.str());
  Tensor gc = contiguous(grad_out), sc = contiguous(saved);
  Tensor dx = Tensor::empty(saved.shape(), saved.dtype(), saved.device());
  if (saved.numel() == 0) return dx;
  by_device(op, saved.device(), [&] { cpu::activation_backward(a, gc, sc, negative_slope, dx); },
            [&] { cuda::activation_backward(a, gc, sc, negative_slope, dx); });
  return dx;
}

}  // namespace semisam::ops
