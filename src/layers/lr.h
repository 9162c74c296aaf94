// Learning-rate schedules.
#pragma once

#include <cstdint>

namespace semisam::layers {

// The reference's polynomial decay: base·(1 − iteration/max_iterations)^power (power 0.9), the
// rate set after iteration `iteration` (0-based). Clamped at 0 past the end.
double poly_lr(double base_lr, int64_t iteration, int64_t max_iterations, double power = 0.9);

}  // namespace semisam::layers
