// The accumulator rules of the reductions, shared by both backends: the accumulation type per
// dtype and how two partial results combine (first maximum wins, NaN is the maximum).
#pragma once

#include <cstdint>

#include "kernels/reduce.h"
#include "tensor/dtype.h"

namespace semisam::ops {

template <typename T> struct SumAcc { using type = float; };
template <> struct SumAcc<double> { using type = double; };
template <> struct SumAcc<int32_t> { using type = int64_t; };
template <> struct SumAcc<int64_t> { using type = int64_t; };
template <> struct SumAcc<uint8_t> { using type = int64_t; };

// Whether candidate (v, i) beats the current best (bv, bi) for max/argmax.
template <typename A>
SEMISAM_HD bool beats(A v, int64_t i, A bv, int64_t bi) {
  bool v_nan = v != v, b_nan = bv != bv;
  if (v_nan || b_nan) return v_nan && (!b_nan || i < bi);
  return v > bv || (v == bv && i < bi);
}

}  // namespace semisam::ops
