// CPU reference of the EMA update: the shared per-element rule over each pair.
#include "kernels/ema.h"
#include "kernels/optim_rules.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha) {
  for (size_t k = 0; k < targets.size(); ++k) {
    int64_t n = targets[k].numel();
    if (targets[k].dtype() == DType::Float64) {
      double* t = targets[k].data<double>();
      const double* s = sources[k].data<double>();
      parallel_for(n, int64_t(1) << 15, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) optim_rule::ema<double>(t[i], s[i], alpha);
      });
    } else {
      float* t = targets[k].data<float>();
      const float* s = sources[k].data<float>();
      parallel_for(n, int64_t(1) << 15, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) optim_rule::ema<float>(t[i], s[i], alpha);
      });
    }
  }
}

}  // namespace semisam::ops::cpu
