// Entry points of the CUDA backend of src/eval, on raw device pointers (queued on the current
// stream of `device`). Plain C++ so the dispatching .cpp files can include it; only built with CUDA.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/mask_ops.h"
#include "eval/spacing.h"

namespace semisam::eval::cuda_impl {

// As cpu::squared_distance_to_sources: one kernel per axis, one thread per line, and results
// bit-identical to the CPU reference (no fused multiply-adds in the distance arithmetic).
void squared_distance_to_sources(const uint8_t* volume, bool source_is_nonzero, Extent extent,
                                 const Spacing& spacing, double* out, int device);
void sqrt_inplace(double* values, int64_t n, int device);

void surface_voxels(const uint8_t* mask, Extent extent, uint8_t* out, int device);
void inner_boundary(const uint8_t* mask, Extent extent, uint8_t* out, int device);

void labels_equal(const uint8_t* labels, int64_t n, uint8_t label, uint8_t* out, int device);
OverlapCounts overlap_counts(const uint8_t* a, const uint8_t* b, int64_t n, int device);
// values[i] for every i with flags[i] != 0, in index order, copied to the host.
std::vector<double> values_at_nonzero(const double* values, const uint8_t* flags, int64_t n,
                                      int device);

// One sample of the DTC signed distance map (see signed_distance.h), written as float or double.
void signed_distance_sample(const uint8_t* mask, Extent extent, const Spacing& spacing, bool out_f64,
                            void* out, int device);

}  // namespace semisam::eval::cuda_impl
