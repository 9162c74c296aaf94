// Test masks shared by the metric benchmarks: an atrium-like blob, rebuilt identically by
// bench/cpu_workloads_torch.py for the medpy side of bench/cpu_vs_pytorch.sh.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::bench {

// An ellipsoid whose radius is modulated by a few smooth harmonics: an atrium-like blob.
inline Tensor blob_mask(const Shape& shape, double shift, double phase) {
  Tensor t = Tensor::empty(shape, DType::UInt8);
  uint8_t* m = t.data<uint8_t>();
  const double cx = shape[0] / 2.0 + shift, cy = shape[1] / 2.0, cz = shape[2] / 2.0;
  for (int64_t x = 0; x < shape[0]; ++x)
    for (int64_t y = 0; y < shape[1]; ++y)
      for (int64_t z = 0; z < shape[2]; ++z) {
        const double dx = (x - cx) / 45.0, dy = (y - cy) / 38.0, dz = (z - cz) / 26.0;
        const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
        const double theta = std::atan2(dy, dx), phi = std::atan2(dz, std::hypot(dx, dy));
        const double wobble = 0.08 * std::sin(3 * theta + phase) * std::cos(2 * phi) +
                              0.05 * std::sin(5 * theta - 2 * phase) * std::sin(3 * phi);
        m[(x * shape[1] + y) * shape[2] + z] = r < 1.0 + wobble ? 1 : 0;
      }
  return t;
}

}  // namespace semisam::bench
