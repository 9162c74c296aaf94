// EMA of parameter sets over kernels/ema.h.
#include "layers/ema.h"

#include <algorithm>

#include "kernels/ema.h"

namespace semisam::layers {

void ema_update(const std::vector<ag::Variable>& target, const std::vector<ag::Variable>& source,
                double alpha) {
  SEMISAM_CHECK(target.size() == source.size(), "ema_update: ", target.size(),
                " target parameters but ", source.size(), " source parameters");
  std::vector<Tensor> t, s;
  for (size_t i = 0; i < target.size(); ++i) {
    t.push_back(target[i].value());
    s.push_back(source[i].value());
  }
  ops::ema_update(t, s, alpha);
}

double ema_alpha(int64_t iteration, double decay) {
  return std::min(1.0 - 1.0 / double(iteration + 1), decay);
}

}  // namespace semisam::layers
