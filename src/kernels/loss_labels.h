// Label access shared by the loss backends: dispatch over the two label dtypes.
#pragma once

#include <cstdint>

#include "tensor/dtype.h"
#include "tensor/error.h"

namespace semisam::ops {

template <typename Fn>
void dispatch_labels(DType dtype, Fn&& fn) {
  if (dtype == DType::UInt8) fn(uint8_t{});
  else if (dtype == DType::Int64) fn(int64_t{});
  else SEMISAM_FAIL("labels must be uint8 or int64, got ", dtype_name(dtype));
}

}  // namespace semisam::ops
