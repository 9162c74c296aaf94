// Matrix products, batched: a [..., M, K] · b [..., K, N] -> [..., M, N]. Either operand may be
// used transposed; b may be 2-D and shared by every batch. cuBLAS on CUDA, in the math mode of
// kernels/precision.h.
#pragma once

#include "tensor/tensor.h"

namespace semisam::ops {

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);

// Backends: a [batch, rows, cols] and b [batch_b, rows, cols] contiguous (batch_b = batch or 1),
// out [batch, M, N] contiguous.
namespace cpu {
void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b, const Tensor& out);
}
namespace cuda {
void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b, const Tensor& out);
}

}  // namespace semisam::ops
