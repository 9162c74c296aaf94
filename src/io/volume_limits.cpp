// The declared-size bound on volumes (see volume_limits.h).
#include "io/volume_limits.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "tensor/error.h"

namespace semisam::io {

int64_t max_volume_voxels() {
  const char* text = std::getenv("SEMISAM_MAX_VOXELS");
  if (text == nullptr || *text == '\0') return kDefaultMaxVolumeVoxels;
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  SEMISAM_CHECK(errno == 0 && end != text && *end == '\0' && value > 0, "SEMISAM_MAX_VOXELS='",
                text, "': expected a positive whole number of voxels");
  return value;
}

void check_volume_size(const Shape& shape, const std::string& what) {
  const int64_t limit = max_volume_voxels();
  // In double: a hostile header's product can overflow int64, and the count is only compared
  // and shown (exact up to 2^53, far past any limit).
  double voxels = 1.0;
  for (int64_t size : shape) voxels *= double(size);
  if (voxels > double(limit)) {
    char count[32];
    std::snprintf(count, sizeof count, "%.0f", voxels);
    SEMISAM_FAIL(what, " declares shape ", shape_str(shape), " = ", count,
                 " voxels, more than the limit of ", limit, " voxels for one volume (set ",
                 "SEMISAM_MAX_VOXELS to a larger count to read it)");
  }
}

}  // namespace semisam::io
