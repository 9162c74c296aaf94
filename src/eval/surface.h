// Object surfaces of binary [X, Y, Z] masks, as medpy and skimage define them.
#pragma once

#include "tensor/tensor.h"

namespace semisam::eval {

// medpy's surface: mask XOR its binary erosion by the 6-connected cross, where voxels outside the
// array count as background (scipy.ndimage.binary_erosion's border_value=0), so foreground voxels
// on the array border are surface. uint8 0/1, same shape and device.
Tensor surface_voxels(const Tensor& mask);

// skimage.segmentation.find_boundaries(mask, mode='inner'): foreground voxels with a background
// voxel among their 6 face neighbours inside the array (the border does not count as background).
Tensor inner_boundary(const Tensor& mask);

}  // namespace semisam::eval
