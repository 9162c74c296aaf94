// Names and helpers shared by the checkpoint reader and writer (not part of the public API).
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

constexpr const char* kHyperParametersGroup = "hyper_parameters";
constexpr const char* kInfoGroup = "info";
constexpr const char* kRngGroup = "rng";
constexpr const char* kChecksumAttribute = "crc32";

// Metadata groups, which cannot be tensor groups.
bool is_reserved_group(const std::string& name);

// CRC-32 (zlib) of a contiguous CPU tensor's bytes.
uint32_t tensor_checksum(const Tensor& host_contiguous);

}  // namespace semisam::io
