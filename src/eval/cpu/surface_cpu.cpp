// CPU reference of the 6-neighbour boundary test behind surfaces and inner boundaries.
#include "eval/cpu/surface_cpu.h"

namespace semisam::eval::cpu {

void face_boundary(const uint8_t* mask, Extent e, bool outside_is_background, uint8_t* out) {
  const int64_t sx = e.y * e.z, sy = e.z;
  for (int64_t x = 0; x < e.x; ++x)
    for (int64_t y = 0; y < e.y; ++y)
      for (int64_t z = 0; z < e.z; ++z) {
        const int64_t i = x * sx + y * sy + z;
        if (!mask[i]) {
          out[i] = 0;
          continue;
        }
        const bool ob = outside_is_background;
        const bool edge = (x == 0 ? ob : !mask[i - sx]) || (x == e.x - 1 ? ob : !mask[i + sx]) ||
                          (y == 0 ? ob : !mask[i - sy]) || (y == e.y - 1 ? ob : !mask[i + sy]) ||
                          (z == 0 ? ob : !mask[i - 1]) || (z == e.z - 1 ? ob : !mask[i + 1]);
        out[i] = edge ? 1 : 0;
      }
}

}  // namespace semisam::eval::cpu
