// Voxel spacing of a [X, Y, Z] volume, in millimetres (all ones measures in voxel units), and the
// [X, Y, Z] extents that the distance code works on.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::eval {

struct Spacing {
  double x = 1.0, y = 1.0, z = 1.0;
  double axis(int a) const { return a == 0 ? x : (a == 1 ? y : z); }
};

struct Extent {
  int64_t x = 0, y = 0, z = 0;
  int64_t numel() const { return x * y * z; }
};

// Throws unless every spacing is finite and positive; `op` names the caller in the message.
void check_spacing(const Spacing& spacing, const char* op);
// Throws unless `t` is a contiguous uint8 tensor of rank 3; returns its extent.
Extent check_mask(const Tensor& t, const char* op, const char* what);
// Throws unless two masks have the same shape and device.
void check_same_layout(const Tensor& a, const Tensor& b, const char* op);

}  // namespace semisam::eval
