// medpy.metric.binary on [X, Y, Z] uint8 masks (nonzero = object): dc, jc, hd95, asd, assd, with
// medpy 0.5's definitions and rounding. Surface distances are in spacing units (mm when given).
// Like medpy, the surface metrics throw when either mask is empty; class_metrics.h applies the
// conventions of SPEC section 7 instead.
#pragma once

#include <vector>

#include "eval/spacing.h"
#include "tensor/tensor.h"

namespace semisam::eval {

struct BinaryMetrics {
  double dice = 0.0;
  double jaccard = 0.0;
  double hd95 = 0.0;  // 95th percentile of both directed surface-distance sets together
  double asd = 0.0;   // mean distance from the prediction's surface to the reference's
};

// medpy dc: 2|P∩R| / (|P| + |R|); NaN when both are empty (medpy divides 0 by 0 there).
double dice(const Tensor& pred, const Tensor& ref);
// medpy jc: |P∩R| / |P∪R|; 1 when both are empty.
double jaccard(const Tensor& pred, const Tensor& ref);

// Distance from each surface voxel of `from` (C order) to the nearest surface voxel of `to`:
// medpy's __surface_distances(from, to, spacing), i.e. the EDT of NOT surface(to) at surface(from).
std::vector<double> surface_distances(const Tensor& from, const Tensor& to,
                                      const Spacing& spacing = {});

double hd95(const Tensor& pred, const Tensor& ref, const Spacing& spacing = {});
double asd(const Tensor& pred, const Tensor& ref, const Spacing& spacing = {});
// medpy 0.5 assd: the mean of both directed sets concatenated (not the mean of the two means).
double assd(const Tensor& pred, const Tensor& ref, const Spacing& spacing = {});

// All four at once, sharing the two distance transforms. Throws when either mask is empty.
BinaryMetrics binary_metrics(const Tensor& pred, const Tensor& ref, const Spacing& spacing = {});

}  // namespace semisam::eval
