// Differentiable activations over kernels/activation.h; each saves only what its backward reads.
#include "layers/activation.h"

#include "autograd/node.h"
#include "kernels/activation.h"

namespace semisam::layers {
namespace {

ag::Variable apply(ops::Activation a, const ag::Variable& x, double slope) {
  Tensor out = ops::activation(a, x.value(), slope);
  Tensor saved = ops::activation_saves_output(a) ? out : x.value();
  return ag::make_result(ops::activation_name(a), out, {x},
                         [a, saved, slope](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{ops::activation_backward(a, g, saved, slope)};
                         });
}

}  // namespace

ag::Variable relu(const ag::Variable& x) { return apply(ops::Activation::ReLU, x, 0.0); }
ag::Variable leaky_relu(const ag::Variable& x, double negative_slope) {
  return apply(ops::Activation::LeakyReLU, x, negative_slope);
}
ag::Variable gelu(const ag::Variable& x) { return apply(ops::Activation::GELU, x, 0.0); }
ag::Variable tanh(const ag::Variable& x) { return apply(ops::Activation::Tanh, x, 0.0); }
ag::Variable sigmoid(const ag::Variable& x) { return apply(ops::Activation::Sigmoid, x, 0.0); }

}  // namespace semisam::layers
