// Learning-rate schedules.
#include "layers/lr.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"

namespace semisam::layers {

double poly_lr(double base_lr, int64_t iteration, int64_t max_iterations, double power) {
  SEMISAM_CHECK(max_iterations > 0, "poly_lr: max_iterations ", max_iterations, " must be positive");
  double remaining = std::max(0.0, 1.0 - double(iteration) / double(max_iterations));
  return base_lr * std::pow(remaining, power);
}

}  // namespace semisam::layers
