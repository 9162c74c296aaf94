// Dropout driven by the Philox stream: element i belongs to decision group i / group_size (1 for
// plain dropout, the spatial volume for channel dropout / Dropout3d), and group j is kept when
// element offset + j of the uniform stream (seed) is >= p. Kept values are scaled by 1/(1 − p),
// so CPU and CUDA agree mask for mask, and the backward is the same op applied to the gradient.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

// Whether decision group j is kept (host and device).
bool dropout_keeps(double p, uint64_t seed, uint64_t offset, uint64_t group);

// A new contiguous tensor; p in [0, 1] (p = 1 drops everything, giving zeros).
Tensor dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size = 1);

namespace cpu {
void dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size,
             const Tensor& out);
}
namespace cuda {
void dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size,
             const Tensor& out);
}

}  // namespace semisam::ops
