// bfloat16 and float16 storage types with round-to-nearest-even conversion, identical on host and
// device so the CPU and CUDA backends round the same way.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define SEMISAM_HD __host__ __device__ __forceinline__
#else
#define SEMISAM_HD inline
#endif

namespace semisam {

SEMISAM_HD uint32_t float_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}

SEMISAM_HD float bits_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

struct bfloat16 {
  uint16_t bits = 0;
  bfloat16() = default;
  SEMISAM_HD explicit bfloat16(float f) : bits(from_float(f)) {}
  SEMISAM_HD operator float() const { return bits_float(uint32_t(bits) << 16); }
  SEMISAM_HD static uint16_t from_float(float f) {
    uint32_t u = float_bits(f);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))  // NaN stays a quiet NaN
      return uint16_t((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
    return uint16_t(u >> 16);
  }
};

struct float16 {
  uint16_t bits = 0;
  float16() = default;
  SEMISAM_HD explicit float16(float f) : bits(from_float(f)) {}
  SEMISAM_HD operator float() const { return to_float(bits); }

  SEMISAM_HD static uint16_t from_float(float f) {
    uint32_t u = float_bits(f);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t abs = u & 0x7fffffffu;
    if (abs >= 0x7f800000u) return uint16_t(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
    if (abs >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to infinity
    if (abs < 0x38800000u) {  // subnormal half (or zero): align to 2^-24 units, round to even
      uint32_t mant = (abs & 0x007fffffu) | 0x00800000u;
      int shift = 126 - int(abs >> 23);  // 14 + (113 - exponent)
      if (shift > 24) return uint16_t(sign);
      uint32_t rounded = mant >> shift;
      uint32_t rem = mant & ((1u << shift) - 1u);
      uint32_t half = 1u << (shift - 1);
      if (rem > half || (rem == half && (rounded & 1u))) ++rounded;
      return uint16_t(sign | rounded);
    }
    uint32_t rounded = abs - 0x38000000u;  // rebias exponent 127 -> 15
    rounded += 0xfffu + ((rounded >> 13) & 1u);
    return uint16_t(sign | (rounded >> 13));
  }

  SEMISAM_HD static float to_float(uint16_t h) {
    uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1fu) return bits_float(sign | 0x7f800000u | (mant << 13));
    if (exp == 0) {
      if (mant == 0) return bits_float(sign);
      // subnormal: value = mant * 2^-24
      float v = float(mant) * (1.0f / 16777216.0f);
      return sign ? -v : v;
    }
    return bits_float(sign | ((exp + 112u) << 23) | (mant << 13));
  }
};

}  // namespace semisam
