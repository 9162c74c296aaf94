// CPU reference of the mask operations: label selection, overlap counts, masked gather.
#include "eval/cpu/mask_ops_cpu.h"

namespace semisam::eval::cpu {

void labels_equal(const uint8_t* labels, int64_t n, uint8_t label, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = labels[i] == label ? 1 : 0;
}

OverlapCounts overlap_counts(const uint8_t* a, const uint8_t* b, int64_t n) {
  OverlapCounts c;
  for (int64_t i = 0; i < n; ++i) {
    const bool in_a = a[i] != 0, in_b = b[i] != 0;
    c.a += in_a;
    c.b += in_b;
    c.intersection += in_a && in_b;
  }
  return c;
}

std::vector<double> values_at_nonzero(const double* values, const uint8_t* flags, int64_t n) {
  std::vector<double> picked;
  for (int64_t i = 0; i < n; ++i)
    if (flags[i]) picked.push_back(values[i]);
  return picked;
}

}  // namespace semisam::eval::cpu
