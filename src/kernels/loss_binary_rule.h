// The broadcast rule of DTC's binary Dice, shared by both backends: the mask weight that
// multiplies p[n, c, v] in Σp·m when p [N, C, V] meets m [Nm, V] under PyTorch broadcasting
// (m's leading axis lines up with p's channels).
#pragma once

#include <cstdint>

#include "kernels/loss.h"
#include "tensor/half_types.h"

namespace semisam::ops::binary_dice {

template <typename L>
SEMISAM_HD int mask_at(const L* labels, int64_t j, int64_t v, int64_t volume) {
  return labels[j * volume + v] == L(1) ? 1 : 0;
}

// With C = Nm channel c meets sample c's mask; with Nm = 1 every channel meets the one mask; with
// C = 1 < Nm the single channel meets every mask, so its weight is their sum.
template <typename L>
SEMISAM_HD int mask_weight(const L* labels, LossShape s, int64_t c, int64_t v) {
  if (s.c == 1 && s.label_n > 1) {
    int w = 0;
    for (int64_t j = 0; j < s.label_n; ++j) w += mask_at(labels, j, v, s.v);
    return w;
  }
  return mask_at(labels, s.label_n == 1 ? 0 : c, v, s.v);
}

}  // namespace semisam::ops::binary_dice
