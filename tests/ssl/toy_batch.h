// The toy training batch of the backbone tests: two 16³ volumes with a bright box (label 1) on
// noise; the second case's "pseudo-label" equals its truth.
#pragma once

#include "common/test_util.h"

namespace semisam::test {

inline void toy_batch(Tensor& images, Tensor& labels) {
  images = random_tensor({2, 1, 16, 16, 16}, DType::Float32, 21);
  labels = Tensor::zeros({2, 16, 16, 16}, DType::UInt8);
  float* im = images.data<float>();
  uint8_t* lab = labels.data<uint8_t>();
  for (int n = 0; n < 2; ++n)
    for (int x = 0; x < 16; ++x)
      for (int y = 0; y < 16; ++y)
        for (int z = 0; z < 16; ++z) {
          bool inside = x >= 4 + n && x < 11 + n && y >= 5 && y < 12 && z >= 3 && z < 10;
          int64_t i = ((int64_t(n) * 16 + x) * 16 + y) * 16 + z;
          if (inside) {
            im[i] = im[i] * 0.3f + 2.0f;
            lab[i] = 1;
          }
        }
}

}  // namespace semisam::test
