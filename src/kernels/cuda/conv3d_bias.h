// Per-channel bias addition for the CUDA convolution (cuDNN computes the product without bias).
#pragma once

#include "tensor/tensor.h"

namespace semisam::ops::cudak {

// out [N, C, D, H, W] (contiguous) += bias[C], in place on out's current stream.
void add_channel_bias(const Tensor& out, const Tensor& bias);

}  // namespace semisam::ops::cudak
