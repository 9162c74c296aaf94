// Counter-based Philox-4x32-10 generator and the mapping of its words to uniform and normal
// numbers. The same header runs on host and device, so element g of a stream (seed, offset) is
// the same number on the CPU and on CUDA.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/half_types.h"

namespace semisam::philox {

struct Words {
  uint32_t v[4];
};

SEMISAM_HD uint32_t mulhi32(uint32_t a, uint32_t b) {
  return uint32_t((uint64_t(a) * uint64_t(b)) >> 32);
}

// Philox-4x32 with 10 rounds (Salmon et al., SC'11) on a full 128-bit counter and 64-bit key.
SEMISAM_HD Words generate4(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                           uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0 = mulhi32(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    uint32_t hi1 = mulhi32(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return {{c0, c1, c2, c3}};
}

// The library's streams: counter = (block index, 0, 0), key = seed.
SEMISAM_HD Words generate(uint64_t seed, uint64_t block) {
  return generate4(uint32_t(block), uint32_t(block >> 32), 0, 0, uint32_t(seed),
                   uint32_t(seed >> 32));
}

// 24 random bits scaled to [0, 1).
SEMISAM_HD float word_to_uniform(uint32_t w) { return float(w >> 8) * (1.0f / 16777216.0f); }

// Element g of the uniform stream: word g%4 of block g/4.
SEMISAM_HD float uniform(uint64_t seed, uint64_t g) {
  Words w = generate(seed, g >> 2);
  return word_to_uniform(w.v[g & 3]);
}

// Element g of the standard-normal stream: Box–Muller on the word pair (g%4)/2 of block g/4,
// cosine branch for even g and sine branch for odd g. Computed in double so the host and device
// libm agree after rounding to float.
SEMISAM_HD float normal(uint64_t seed, uint64_t g) {
  Words w = generate(seed, g >> 2);
  int pair = int(g & 3) >> 1;
  double u1 = (double(w.v[2 * pair] >> 8) + 1.0) * (1.0 / 16777216.0);  // (0, 1]
  double u2 = double(w.v[2 * pair + 1] >> 8) * (1.0 / 16777216.0);      // [0, 1)
  double r = sqrt(-2.0 * log(u1));
  double theta = 6.283185307179586476925286766559 * u2;
  return float((g & 1) ? r * sin(theta) : r * cos(theta));
}

}  // namespace semisam::philox
