// Host-side Philox draws for batch sampling and augmentation, addressed by (seed, stream, index,
// draw) rather than by a running position, so any draw of any iteration can be recomputed alone.
#pragma once

#include <algorithm>
#include <cstdint>

#include "tensor/error.h"
#include "tensor/philox.h"

namespace semisam::ssl {

// Stream tags separating the independent uses of one seed.
constexpr uint64_t kLabelledOrderStream = 1;
constexpr uint64_t kUnlabelledOrderStream = 2;
constexpr uint64_t kAugmentationStream = 3;

// A key per (seed, stream) from one Philox block; the counter's third word marks the block so it
// never coincides with a block of the library's tensor streams (which keep that word 0).
inline philox::Words stream_key(uint64_t seed, uint64_t stream) {
  return philox::generate4(uint32_t(stream), uint32_t(stream >> 32), 0x55534C53u, 0,
                           uint32_t(seed), uint32_t(seed >> 32));
}

// Draw `draw` of sequence `index` in (seed, stream): a uniform double in [0, 1) with 53 random
// bits, from the word pair draw % 2 of the block (draw / 2, index).
inline double unit_uniform(uint64_t seed, uint64_t stream, uint64_t index, uint64_t draw) {
  philox::Words key = stream_key(seed, stream);
  uint64_t block = draw >> 1;
  philox::Words w = philox::generate4(uint32_t(block), uint32_t(block >> 32), uint32_t(index),
                                      uint32_t(index >> 32), key.v[0], key.v[1]);
  int pair = int(draw & 1);
  uint64_t hi = w.v[2 * pair] >> 5, lo = w.v[2 * pair + 1] >> 6;  // 27 + 26 bits
  return double((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

// An integer uniform in [0, n): floor(u·n) on a 53-bit u, whose bias (≤ n / 2^53) is negligible.
inline int64_t uniform_index(int64_t n, uint64_t seed, uint64_t stream, uint64_t index,
                             uint64_t draw) {
  SEMISAM_CHECK(n >= 1, "uniform_index: empty range [0, ", n, ")");
  auto value = int64_t(unit_uniform(seed, stream, index, draw) * double(n));
  return std::min(value, n - 1);  // u·n may round up to n when n is large
}

}  // namespace semisam::ssl
