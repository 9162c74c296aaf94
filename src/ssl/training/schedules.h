// The loss-weight and learning-rate schedules of one training round (SPEC §4).
#pragma once

#include <cstdint>

namespace semisam::ssl {

// exp(−5·(1 − clip(t, 0, L)/L)²); 1 when L is 0.
double sigmoid_rampup(double t, double length);
// 0.1·sigmoid_rampup(i // 150, 200) with the defaults. Reference quirk: with 15 000 iterations
// t = i // 150 never passes 100, so the weight stays below ≈ 0.29 of its top.
double consistency_weight(int64_t iteration, double consistency = 0.1, double rampup = 200.0);
// min(1, i / (0.3·max_iterations)).
double pseudo_label_weight(int64_t iteration, int64_t max_iterations);

}  // namespace semisam::ssl
