// Differentiable normalisations over the kernels of kernels/norm.h; the LayerNorm module.
#include "layers/norm.h"

#include "autograd/node.h"
#include "autograd/ops.h"
#include "kernels/copy.h"
#include "kernels/norm.h"

namespace semisam::layers {
namespace {

ag::Variable instance_norm_impl(const ag::Variable& x, double eps, bool relu) {
  ops::NormResult r = ops::instance_norm(x.value(), eps, relu);
  Tensor xv = x.value(), mean = r.mean, rstd = r.rstd;
  return ag::make_result(relu ? "instance_norm_relu" : "instance_norm", r.out, {x},
                         [xv, mean, rstd, relu](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{
                               ops::instance_norm_backward(g, xv, mean, rstd, relu)};
                         });
}

ag::Variable as_stat_dtype(const ag::Variable& p, DType x_dtype) {
  DType want = ops::stat_dtype(x_dtype);
  return p.dtype() == want ? p : ag::cast(p, want);
}

}  // namespace

ag::Variable instance_norm(const ag::Variable& x, double eps) {
  return instance_norm_impl(x, eps, false);
}

ag::Variable instance_norm_relu(const ag::Variable& x, double eps) {
  return instance_norm_impl(x, eps, true);
}

ag::Variable layer_norm(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias,
                        int64_t axis, double eps) {
  ag::Variable w = as_stat_dtype(weight, x.dtype()), b = as_stat_dtype(bias, x.dtype());
  ops::NormResult r = ops::layer_norm(x.value(), w.value(), b.value(), axis, eps);
  Tensor xv = x.value(), wv = w.value(), mean = r.mean, rstd = r.rstd;
  return ag::make_result("layer_norm", r.out, {x, w, b},
                         [xv, wv, mean, rstd, axis](const Tensor& g, const std::vector<bool>& need) {
                           ops::LayerNormGrads d = ops::layer_norm_backward(g, xv, wv, mean, rstd, axis);
                           return std::vector<Tensor>{need[0] ? d.x : Tensor(),
                                                      need[1] ? d.weight : Tensor(),
                                                      need[2] ? d.bias : Tensor()};
                         });
}

LayerNorm::LayerNorm(int64_t features, int64_t axis, double eps, Device device)
    : axis_(axis), eps_(eps) {
  SEMISAM_CHECK(features > 0, "LayerNorm: ", features, " features");
  weight_ = register_parameter("weight", ops::full({features}, 1.0, DType::Float32, device));
  bias_ = register_parameter("bias", ops::full({features}, 0.0, DType::Float32, device));
}

ag::Variable LayerNorm::forward(const ag::Variable& x) const {
  return layer_norm(x, weight_, bias_, axis_, eps_);
}

}  // namespace semisam::layers
