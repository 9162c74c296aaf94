// Records trilinear ×2 upsampling; its backward is the gather of kernels/upsample.h.
#include "layers/upsample.h"

#include "autograd/node.h"
#include "kernels/upsample.h"

namespace semisam::layers {

ag::Variable upsample_trilinear2x(const ag::Variable& x) {
  Shape in_shape = x.shape();
  return ag::make_result(
      "upsample_trilinear2x", ops::upsample_trilinear2x(x.value()), {x},
      [in_shape](const Tensor& g, const std::vector<bool>&) {
        return std::vector<Tensor>{ops::upsample_trilinear2x_backward(g, in_shape)};
      });
}

}  // namespace semisam::layers
