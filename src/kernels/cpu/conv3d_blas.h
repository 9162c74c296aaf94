// The CPU backend's fast convolution weight gradient: im2col blocks and OpenBLAS sgemm. oneDNN
// 2.6 has no JIT weight-gradient kernel for 3-D convolutions on AVX2 and falls back to a slower
// GEMM formulation (measured in docs/performance.md), so this pass uses OpenBLAS directly.
// float32, NCDHW. Internal to src/kernels/cpu/conv3d.cpp.
#pragma once

#include "kernels/conv3d.h"

namespace semisam::ops::cpu::openblas {

void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight);

}  // namespace semisam::ops::cpu::openblas
