// Records conv3d with a backward that computes only the gradients that are needed.
#include "layers/conv3d.h"

#include "autograd/node.h"

namespace semisam::layers {

ag::Variable conv3d(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias,
                    const ops::Conv3dParams& params) {
  SEMISAM_CHECK(x.defined() && weight.defined(), "conv3d: input and weight must be defined");
  Tensor xv = x.value(), wv = weight.value();
  Tensor out = ops::conv3d(xv, wv, bias.defined() ? bias.value() : Tensor(), params);
  return ag::make_result(
      "conv3d", std::move(out), {x, weight, bias},
      [xv, wv, params](const Tensor& g, const std::vector<bool>& need) {
        return std::vector<Tensor>{
            need[0] ? ops::conv3d_backward_input(g, wv, xv.shape(), params) : Tensor(),
            need[1] ? ops::conv3d_backward_weight(g, xv, wv.shape(), params) : Tensor(),
            need[2] ? ops::conv3d_backward_bias(g) : Tensor()};
      });
}

}  // namespace semisam::layers
