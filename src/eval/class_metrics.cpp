// Empty-mask policies, per-class evaluation of label maps and the report summary.
#include "eval/class_metrics.h"

#include "eval/mask_ops.h"
#include "eval/numpy_stats.h"

namespace semisam::eval {

namespace {

// The policy's answer when either mask is empty; nothing (false) when both have foreground.
bool empty_mask_metrics(const OverlapCounts& c, EmptyMaskPolicy policy, BinaryMetrics& out) {
  if (c.a > 0 && c.b > 0) return false;
  if (policy == EmptyMaskPolicy::Validation) out = {0.0, 0.0, 0.0, 0.0};
  else if (c.a == 0 && c.b == 0) out = {1.0, 1.0, 0.0, 0.0};
  else out = {0.0, 0.0, 200.0, 100.0};
  return true;
}

void check_label_maps(const Tensor& pred_labels, const Tensor& ref_labels, int num_classes,
                      const char* op) {
  check_mask(pred_labels, op, "predicted labels");
  check_mask(ref_labels, op, "reference labels");
  check_same_layout(pred_labels, ref_labels, op);
  SEMISAM_CHECK(num_classes >= 2 && num_classes <= 256, op,
                ": num_classes must be in [2, 256], got ", num_classes);
}

}  // namespace

BinaryMetrics evaluate_binary(const Tensor& pred, const Tensor& ref, EmptyMaskPolicy policy,
                              const Spacing& spacing) {
  check_mask(pred, "evaluate_binary", "prediction");
  check_mask(ref, "evaluate_binary", "reference");
  check_same_layout(pred, ref, "evaluate_binary");
  check_spacing(spacing, "evaluate_binary");
  BinaryMetrics empty;
  if (empty_mask_metrics(overlap_counts(pred, ref), policy, empty)) return empty;
  return binary_metrics(pred, ref, spacing);
}

std::vector<BinaryMetrics> evaluate_classes(const Tensor& pred_labels, const Tensor& ref_labels,
                                            int num_classes, EmptyMaskPolicy policy,
                                            const Spacing& spacing) {
  check_label_maps(pred_labels, ref_labels, num_classes, "evaluate_classes");
  std::vector<BinaryMetrics> rows;
  rows.reserve(size_t(num_classes - 1));
  for (int c = 1; c < num_classes; ++c) {
    const Tensor pred = labels_equal(pred_labels, uint8_t(c));
    const Tensor ref = labels_equal(ref_labels, uint8_t(c));
    rows.push_back(evaluate_binary(pred, ref, policy, spacing));
  }
  return rows;
}

std::vector<double> class_dice(const Tensor& pred_labels, const Tensor& ref_labels,
                               int num_classes, EmptyMaskPolicy policy) {
  check_label_maps(pred_labels, ref_labels, num_classes, "class_dice");
  std::vector<double> dice;
  dice.reserve(size_t(num_classes - 1));
  for (int c = 1; c < num_classes; ++c) {
    const OverlapCounts counts = overlap_counts(labels_equal(pred_labels, uint8_t(c)),
                                                labels_equal(ref_labels, uint8_t(c)));
    BinaryMetrics empty;
    dice.push_back(empty_mask_metrics(counts, policy, empty) ? empty.dice : dice_from(counts));
  }
  return dice;
}

MetricSummary summarize(const std::vector<BinaryMetrics>& rows) {
  SEMISAM_CHECK(!rows.empty(), "summarize: no rows");
  MetricSummary s;
  s.count = int64_t(rows.size());
  std::vector<double> column(rows.size());
  auto stats = [&](double BinaryMetrics::*field, double& mean, double& std_dev) {
    for (size_t i = 0; i < rows.size(); ++i) column[i] = rows[i].*field;
    mean = numpy_mean(column);
    std_dev = numpy_std(column);
  };
  stats(&BinaryMetrics::dice, s.mean.dice, s.std.dice);
  stats(&BinaryMetrics::jaccard, s.mean.jaccard, s.std.jaccard);
  stats(&BinaryMetrics::hd95, s.mean.hd95, s.std.hd95);
  stats(&BinaryMetrics::asd, s.mean.asd, s.std.asd);
  return s;
}

}  // namespace semisam::eval
