// Differentiable 3-D convolution (PyTorch's F.conv3d without dilation or groups).
#pragma once

#include "autograd/variable.h"
#include "kernels/conv3d.h"

namespace semisam::layers {

// x [N, Cin, D, H, W], weight [Cout, Cin, kD, kH, kW], bias [Cout] or an undefined Variable for
// none. Gradients reach whichever of the three require them.
ag::Variable conv3d(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias,
                    const ops::Conv3dParams& params = {});

}  // namespace semisam::layers
