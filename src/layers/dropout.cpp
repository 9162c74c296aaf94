// Differentiable dropout over kernels/dropout.h: the backward replays the same Philox decisions
// on the gradient, so no mask is stored.
#include "layers/dropout.h"

#include <algorithm>

#include "autograd/node.h"
#include "kernels/dropout.h"

namespace semisam::layers {
namespace {

ag::Variable apply(const char* name, const ag::Variable& x, double p, bool training,
                   Generator& gen, int64_t group_size, int64_t groups) {
  SEMISAM_CHECK(p >= 0.0 && p <= 1.0, name, ": probability ", p, " outside [0, 1]");
  if (!training || p == 0.0) return x;
  uint64_t seed = gen.seed();
  uint64_t offset = gen.reserve(uint64_t(groups));
  Tensor out = ops::dropout(x.value(), p, seed, offset, group_size);
  return ag::make_result(name, out, {x},
                         [p, seed, offset, group_size](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{ops::dropout(g, p, seed, offset, group_size)};
                         });
}

}  // namespace

ag::Variable dropout(const ag::Variable& x, double p, bool training, Generator& gen) {
  return apply("dropout", x, p, training, gen, 1, x.value().numel());
}

ag::Variable channel_dropout(const ag::Variable& x, double p, bool training, Generator& gen) {
  SEMISAM_CHECK(x.dim() >= 3, "channel_dropout: needs N, C, spatial... input, got ",
                x.value().str());
  int64_t groups = x.size(0) * x.size(1);
  int64_t group_size = groups == 0 ? 1 : x.value().numel() / groups;
  return apply("channel_dropout", x, p, training, gen, std::max<int64_t>(group_size, 1), groups);
}

}  // namespace semisam::layers
