// Exact Euclidean distance transforms of [X, Y, Z] uint8 volumes with anisotropic spacing, with
// scipy.ndimage.distance_transform_edt(mask, sampling=spacing) semantics; float64 results on the
// input's device.
#pragma once

#include "eval/spacing.h"
#include "tensor/tensor.h"

namespace semisam::eval {

// Distance of every voxel to the nearest zero voxel (0 on zero voxels), like scipy's EDT.
// A volume with no zero voxel has no finite distance: every voxel is +infinity (scipy instead
// measures to a phantom voxel just outside the array; we do not imitate that).
Tensor distance_transform_edt(const Tensor& mask, const Spacing& spacing = {});

// Distance of every voxel to the nearest nonzero voxel: scipy's EDT of logical_not(mask).
// +infinity everywhere when the mask is empty.
Tensor distance_to_nonzero(const Tensor& mask, const Spacing& spacing = {});

// The square of either transform (source = nonzero voxels when `source_is_nonzero`, else the
// zero voxels), before the square root; what the metrics gather from.
Tensor squared_distance_to_sources(const Tensor& mask, bool source_is_nonzero,
                                   const Spacing& spacing = {});

}  // namespace semisam::eval
