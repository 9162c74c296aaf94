// Differentiable softmax and log-softmax over kernels/softmax.h; the backward reads the output.
#include "layers/softmax.h"

#include "autograd/node.h"
#include "kernels/softmax.h"

namespace semisam::layers {

ag::Variable softmax(const ag::Variable& x, int64_t axis) {
  Tensor out = ops::softmax(x.value(), axis);
  return ag::make_result("softmax", out, {x}, [out, axis](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::softmax_backward(g, out, axis)};
  });
}

ag::Variable log_softmax(const ag::Variable& x, int64_t axis) {
  Tensor out = ops::log_softmax(x.value(), axis);
  return ag::make_result("log_softmax", out, {x},
                         [out, axis](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{ops::log_softmax_backward(g, out, axis)};
                         });
}

}  // namespace semisam::layers
