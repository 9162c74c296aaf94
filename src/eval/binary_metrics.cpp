// medpy.metric.binary equivalents on top of the mask operations, surfaces and the exact EDT; the
// same code serves CPU and CUDA tensors because every step below dispatches by device.
#include "eval/binary_metrics.h"

#include <cmath>
#include <limits>

#include "eval/edt.h"
#include "eval/mask_ops.h"
#include "eval/numpy_stats.h"
#include "eval/surface.h"

namespace semisam::eval {

namespace {
OverlapCounts checked_counts(const Tensor& pred, const Tensor& ref, const char* op) {
  check_mask(pred, op, "prediction");
  check_mask(ref, op, "reference");
  check_same_layout(pred, ref, op);
  return overlap_counts(pred, ref);
}

void require_objects(const OverlapCounts& c, const char* op) {
  SEMISAM_CHECK(c.a > 0, op, ": the first mask has no foreground (medpy raises here; "
                "evaluate_binary applies the empty-mask conventions)");
  SEMISAM_CHECK(c.b > 0, op, ": the second mask has no foreground (medpy raises here; "
                "evaluate_binary applies the empty-mask conventions)");
}

// Distances from the surface voxels `from_surface` to the nearest voxel of `to_surface`.
std::vector<double> directed(const Tensor& from_surface, const Tensor& to_surface,
                             const Spacing& spacing) {
  const Tensor squared = squared_distance_to_sources(to_surface, true, spacing);
  std::vector<double> d = values_at_nonzero(squared, from_surface);
  for (double& v : d) v = std::sqrt(v);  // only where needed; the same rounding as scipy's
  return d;
}

double jaccard_from(const OverlapCounts& c) {
  const int64_t union_count = c.a + c.b - c.intersection;
  return union_count == 0 ? 1.0 : double(c.intersection) / double(union_count);
}

std::vector<double> concatenated(std::vector<double> a, const std::vector<double>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
}  // namespace

double dice(const Tensor& pred, const Tensor& ref) {
  return dice_from(checked_counts(pred, ref, "dice"));
}

double jaccard(const Tensor& pred, const Tensor& ref) {
  return jaccard_from(checked_counts(pred, ref, "jaccard"));
}

std::vector<double> surface_distances(const Tensor& from, const Tensor& to,
                                      const Spacing& spacing) {
  require_objects(checked_counts(from, to, "surface_distances"), "surface_distances");
  check_spacing(spacing, "surface_distances");
  return directed(surface_voxels(from), surface_voxels(to), spacing);
}

double hd95(const Tensor& pred, const Tensor& ref, const Spacing& spacing) {
  return binary_metrics(pred, ref, spacing).hd95;
}

double asd(const Tensor& pred, const Tensor& ref, const Spacing& spacing) {
  return numpy_mean(surface_distances(pred, ref, spacing));
}

double assd(const Tensor& pred, const Tensor& ref, const Spacing& spacing) {
  require_objects(checked_counts(pred, ref, "assd"), "assd");
  check_spacing(spacing, "assd");
  const Tensor ps = surface_voxels(pred), rs = surface_voxels(ref);
  return numpy_mean(concatenated(directed(ps, rs, spacing), directed(rs, ps, spacing)));
}

BinaryMetrics binary_metrics(const Tensor& pred, const Tensor& ref, const Spacing& spacing) {
  const OverlapCounts counts = checked_counts(pred, ref, "binary_metrics");
  require_objects(counts, "binary_metrics");
  check_spacing(spacing, "binary_metrics");
  const Tensor ps = surface_voxels(pred), rs = surface_voxels(ref);
  const std::vector<double> pred_to_ref = directed(ps, rs, spacing);
  BinaryMetrics m;
  m.dice = dice_from(counts);
  m.jaccard = jaccard_from(counts);
  m.asd = numpy_mean(pred_to_ref);
  std::vector<double> both = concatenated(pred_to_ref, directed(rs, ps, spacing));
  m.hd95 = numpy_percentile(both, 95.0);
  return m;
}

}  // namespace semisam::eval
