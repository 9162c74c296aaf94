// PyTorch's initialisation formulas on top of the Philox fills of kernels/random.h.
#include "layers/init.h"

#include <cmath>

#include "kernels/random.h"

namespace semisam::layers::init {

int64_t fan_in(const Shape& weight_shape) {
  SEMISAM_CHECK(weight_shape.size() >= 2, "fan_in: a weight needs at least 2 axes, got ",
                shape_str(weight_shape));
  int64_t fan = weight_shape[1];
  for (size_t d = 2; d < weight_shape.size(); ++d) fan *= weight_shape[d];
  return fan;
}

void uniform_(const Tensor& t, Generator& gen, double bound) {
  ops::uniform_(t, gen, -bound, bound);
}

void kaiming_uniform_(const Tensor& weight, Generator& gen, double a) {
  int64_t fan = fan_in(weight.shape());
  SEMISAM_CHECK(fan > 0, "kaiming_uniform_: zero fan_in for weight ", weight.str());
  double gain = std::sqrt(2.0 / (1.0 + a * a));
  uniform_(weight, gen, gain * std::sqrt(3.0 / double(fan)));
}

void kaiming_normal_(const Tensor& weight, Generator& gen, double a) {
  int64_t fan = fan_in(weight.shape());
  SEMISAM_CHECK(fan > 0, "kaiming_normal_: zero fan_in for weight ", weight.str());
  double gain = std::sqrt(2.0 / (1.0 + a * a));
  ops::normal_(weight, gen, 0.0, gain / std::sqrt(double(fan)));
}

void default_weight_and_bias_(const Tensor& weight, const Tensor& bias, Generator& gen) {
  kaiming_uniform_(weight, gen, std::sqrt(5.0));
  if (!bias.defined()) return;
  int64_t fan = fan_in(weight.shape());
  uniform_(bias, gen, fan > 0 ? 1.0 / std::sqrt(double(fan)) : 0.0);
}

}  // namespace semisam::layers::init
