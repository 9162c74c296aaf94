// The bound on a volume's declared size, checked before any memory is allocated for it: a file's
// header declares a shape, and a small (compressed or sparse) file can declare terabytes.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

// 2^30 voxels: a 1024³ volume, or a 512×512×4096 whole-body CT, 4 GiB as float32 — beyond any
// scan semisam is meant for, far below what would only end in an out-of-memory kill.
constexpr int64_t kDefaultMaxVolumeVoxels = int64_t(1) << 30;

// The bound in force: SEMISAM_MAX_VOXELS when set (a positive integer; anything else is an
// error naming the variable), else kDefaultMaxVolumeVoxels.
int64_t max_volume_voxels();

// Throws "<what> declares shape [..] = N voxels, more than the limit of M ..." when `shape`
// holds more voxels than max_volume_voxels() (an overflowing product counts as too many).
void check_volume_size(const Shape& shape, const std::string& what);

}  // namespace semisam::io
