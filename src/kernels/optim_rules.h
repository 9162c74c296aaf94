// The per-element update formulas of SGD, Adam and EMA in PyTorch's operation order, written
// once for the CPU reference and the CUDA multi-tensor kernels.
#pragma once

#include <cmath>

#include "tensor/half_types.h"

namespace semisam::ops::optim_rule {

SEMISAM_HD float sqrt_of(float x) { return ::sqrtf(x); }
SEMISAM_HD double sqrt_of(double x) { return ::sqrt(x); }

struct SgdScalars {
  double lr, momentum, dampening, weight_decay;
  bool nesterov;
};

// torch.optim.SGD (single-tensor path): d = g + wd·θ; buf = d on the first step, else
// buf·μ + (1 − dampening)·d; d = buf (or d + μ·buf with Nesterov); θ = θ − lr·d.
template <typename T>
SEMISAM_HD void sgd(T& param, T grad, T& buf, bool first, const SgdScalars& s) {
  T d = grad;
  if (s.weight_decay != 0) d = d + T(s.weight_decay) * param;
  if (s.momentum != 0) {
    buf = first ? d : buf * T(s.momentum) + T(1 - s.dampening) * d;
    d = s.nesterov ? d + T(s.momentum) * buf : buf;
  }
  param = param + T(-s.lr) * d;
}

struct AdamScalars {
  double lr, beta1, beta2, eps, weight_decay;
};

// torch.optim.Adam (single-tensor path) at step `step` (1 on the first update):
// g += wd·θ; m = lerp(m, g, 1 − β1); v = v·β2 + (1 − β2)·g²;
// θ = θ − (lr / (1 − β1^t))·m / (sqrt(v) / sqrt(1 − β2^t) + eps).
template <typename T>
SEMISAM_HD void adam(T& param, T grad, T& m, T& v, double step_size, double bias2_sqrt,
                     const AdamScalars& s) {
  if (s.weight_decay != 0) grad = grad + T(s.weight_decay) * param;
  T w = T(1 - s.beta1);
  // torch.lerp's two branches keep the result exact at both ends.
  m = w < T(0.5) ? m + w * (grad - m) : grad - (grad - m) * (T(1) - w);
  v = v * T(s.beta2);
  v = v + T(1 - s.beta2) * grad * grad;
  T denom = sqrt_of(v) / T(bias2_sqrt) + T(s.eps);
  param = param + T(-step_size) * (m / denom);
}

// The bias-corrected step size and sqrt(1 − β2^t) PyTorch computes in double on the host.
inline void adam_corrections(const AdamScalars& s, int64_t step, double& step_size,
                             double& bias2_sqrt) {
  step_size = s.lr / (1 - std::pow(s.beta1, double(step)));
  bias2_sqrt = std::sqrt(1 - std::pow(s.beta2, double(step)));
}

// EMA as the mean-teacher code writes it: θ_t = θ_t·α, then θ_t + (1 − α)·θ_s.
template <typename T>
SEMISAM_HD void ema(T& target, T source, double alpha) {
  target = target * T(alpha);
  target = target + T(1 - alpha) * source;
}

}  // namespace semisam::ops::optim_rule
