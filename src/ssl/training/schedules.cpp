// Schedule formulas of SPEC §4.
#include "ssl/training/schedules.h"

#include <algorithm>
#include <cmath>

namespace semisam::ssl {

double sigmoid_rampup(double t, double length) {
  if (length == 0) return 1.0;
  double phase = 1.0 - std::clamp(t, 0.0, length) / length;
  return std::exp(-5.0 * phase * phase);
}

double consistency_weight(int64_t iteration, double consistency, double rampup) {
  return consistency * sigmoid_rampup(double(iteration / 150), rampup);
}

double pseudo_label_weight(int64_t iteration, int64_t max_iterations) {
  return std::min(1.0, double(iteration) / (0.3 * double(max_iterations)));
}

}  // namespace semisam::ssl
