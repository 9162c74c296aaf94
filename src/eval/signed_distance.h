// The normalised signed distance map of DTC (SPEC section 4), per sample of a binary mask.
#pragma once

#include "eval/spacing.h"
#include "tensor/tensor.h"

namespace semisam::eval {

// mask: uint8 [X, Y, Z] or a batch [B, X, Y, Z] (nonzero = foreground); result of the same shape,
// on the same device, in `out_dtype` (Float32 or Float64; computed in double). Per sample with
// foreground and background:
//   (negdis − min)/(max − min + 1e-8) − (posdis − min)/(max − min + 1e-8)
// with posdis the EDT of the mask, negdis the EDT of its complement (both in spacing units), and 0
// on the inner boundary (skimage find_boundaries(mode='inner'); see inner_boundary()).
// An empty sample is all zeros (SPEC). A sample with no background has no boundary to measure
// from (scipy would measure to a phantom voxel outside the array); it is all zeros too.
Tensor signed_distance_map(const Tensor& mask, DType out_dtype = DType::Float32,
                           const Spacing& spacing = {});

}  // namespace semisam::eval
