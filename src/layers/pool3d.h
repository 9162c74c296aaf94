// Differentiable 3-D max and average pooling (no padding, floor-sized output).
#pragma once

#include "autograd/variable.h"
#include "kernels/pool3d.h"

namespace semisam::layers {

// Among equal values in a window the first in d, h, w scan order takes the gradient
// (kernels/pool3d.h says more).
ag::Variable max_pool3d(const ag::Variable& x, const ops::Pool3dParams& params = {});
// The mean of each window; every element of a window gets grad / (kD·kH·kW).
ag::Variable avg_pool3d(const ag::Variable& x, const ops::Pool3dParams& params);

}  // namespace semisam::layers
