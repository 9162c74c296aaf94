// Per-class evaluation of label maps with the empty-mask conventions of SPEC section 7, and the
// mean ± population std summary over cases × classes that the test report prints.
#pragma once

#include <vector>

#include "eval/binary_metrics.h"

namespace semisam::eval {

enum class EmptyMaskPolicy {
  // The test report: both masks empty → (dice 1, jaccard 1, hd95 0, asd 0); exactly one empty →
  // (0, 0, 200, 100).
  TestReport,
  // Validation during training, as the reference's val_3D.cal_metric: unless both masks have
  // foreground, every metric is 0 (Dice 0 and HD95 0; jaccard and asd, which validation does
  // not report, 0 as well). This includes the both-empty case.
  Validation,
};

// The metrics of one binary pair under a policy: medpy's values when both have foreground.
BinaryMetrics evaluate_binary(const Tensor& pred, const Tensor& ref, EmptyMaskPolicy policy,
                              const Spacing& spacing = {});

// Classes 1..num_classes-1 of two uint8 label maps [X, Y, Z] (same shape and device); row c-1
// holds class c. Labels at or above num_classes belong to no evaluated class.
std::vector<BinaryMetrics> evaluate_classes(const Tensor& pred_labels, const Tensor& ref_labels,
                                            int num_classes, EmptyMaskPolicy policy,
                                            const Spacing& spacing = {});

// Dice alone of classes 1..num_classes-1 under a policy, from overlap counts (no surface
// distances): what validation and the pseudo-label quality report read. Entry c-1 = class c,
// equal to evaluate_classes(...)[c-1].dice.
std::vector<double> class_dice(const Tensor& pred_labels, const Tensor& ref_labels,
                               int num_classes, EmptyMaskPolicy policy);

struct MetricSummary {
  BinaryMetrics mean;
  BinaryMetrics std;  // population standard deviation (numpy's default ddof=0)
  int64_t count = 0;  // rows summarised
};

// Mean and population std of each metric over all rows (cases × classes, flattened).
MetricSummary summarize(const std::vector<BinaryMetrics>& rows);

}  // namespace semisam::eval
