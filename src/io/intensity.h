// Intensity normalisation of imported and predicted NIfTI scans. The reference's HDF5 images are
// stored z-score normalised (SPEC §1: "used as stored"), so raw NIfTI intensities (CT in HU, MRI
// in scanner units) get the same per-case z-score on import, and `predict` applies it to NIfTI
// inputs so that a network sees the intensities it was trained on.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

enum class Normalization { None, ZScore };

// "zscore" or "none"; anything else is an error naming `flag`.
Normalization parse_normalization(const std::string& text, const std::string& flag);
const char* normalization_name(Normalization n);

// (x − mean) / std over the whole volume (population std, sums in double), in place on a
// contiguous float32 CPU volume. A constant volume is refused, naming `what`.
void zscore_normalize(Tensor& volume, const std::string& what);

}  // namespace semisam::io
