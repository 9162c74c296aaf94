// The CPU backend's fast float32 matmul on OpenBLAS (cblas_sgemm), batched. Same operand
// contract as cpu::matmul (kernels/matmul.h). Internal to src/kernels/cpu/matmul.cpp.
#pragma once

#include "tensor/tensor.h"

namespace semisam::ops::cpu::openblas {

void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
            const Tensor& out);

}  // namespace semisam::ops::cpu::openblas
