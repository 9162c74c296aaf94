// The mean teacher's exponential moving average of parameters, θ_t ← α·θ_t + (1 − α)·θ_s, over a
// whole parameter set in place (one fused multi-tensor launch on CUDA), and its α schedule.
#pragma once

#include <cstdint>
#include <vector>

#include "autograd/variable.h"

namespace semisam::layers {

// Pairs target[i] with source[i]; shapes, dtypes and devices must match.
void ema_update(const std::vector<ag::Variable>& target, const std::vector<ag::Variable>& source,
                double alpha);

// α = min(1 − 1/(iteration + 1), decay): the reference's update after (0-based) iteration i.
double ema_alpha(int64_t iteration, double decay = 0.99);

}  // namespace semisam::layers
