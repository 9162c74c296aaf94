// Filling tensors with Philox random numbers. Element i of a fill that starts at stream offset o
// is element o + i of the stream (tensor/philox.h), so CPU and CUDA give the same numbers.
#pragma once

#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace semisam::ops {

// Uniform in [low, high) and normal(mean, std); `t` must be contiguous and floating point.
// Each call takes t.numel() elements from the generator's stream.
void uniform_(const Tensor& t, Generator& gen, double low = 0.0, double high = 1.0);
void normal_(const Tensor& t, Generator& gen, double mean = 0.0, double std = 1.0);

namespace cpu {
void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high);
void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std);
}  // namespace cpu
namespace cuda {
void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high);
void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std);
}  // namespace cuda

}  // namespace semisam::ops
