// Differentiable trilinear ×2 upsampling, align_corners = false (PyTorch's
// nn.Upsample(scale_factor=2, mode='trilinear')).
#pragma once

#include "autograd/variable.h"

namespace semisam::layers {

// [N, C, D, H, W] -> [N, C, 2D, 2H, 2W].
ag::Variable upsample_trilinear2x(const ag::Variable& x);

}  // namespace semisam::layers
