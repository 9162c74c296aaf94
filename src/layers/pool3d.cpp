// Records max and average pooling; max pooling keeps the chosen indices for its backward.
#include "layers/pool3d.h"

#include "autograd/node.h"

namespace semisam::layers {

ag::Variable max_pool3d(const ag::Variable& x, const ops::Pool3dParams& params) {
  ops::MaxPool3dResult r = ops::max_pool3d(x.value(), params);
  Shape in_shape = x.shape();
  Tensor indices = r.indices;
  return ag::make_result(
      "max_pool3d", r.values, {x},
      [in_shape, indices, params](const Tensor& g, const std::vector<bool>&) {
        return std::vector<Tensor>{ops::max_pool3d_backward(g, indices, in_shape, params)};
      });
}

ag::Variable avg_pool3d(const ag::Variable& x, const ops::Pool3dParams& params) {
  Shape in_shape = x.shape();
  return ag::make_result(
      "avg_pool3d", ops::avg_pool3d(x.value(), params), {x},
      [in_shape, params](const Tensor& g, const std::vector<bool>&) {
        return std::vector<Tensor>{ops::avg_pool3d_backward(g, in_shape, params)};
      });
}

}  // namespace semisam::layers
