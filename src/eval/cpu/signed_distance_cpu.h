// CPU reference of one sample of the DTC signed distance map (eval/signed_distance.h), in double.
#pragma once

#include <cstdint>

#include "eval/spacing.h"

namespace semisam::eval::cpu {

void signed_distance_sample(const uint8_t* mask, Extent extent, const Spacing& spacing,
                            double* out);

}  // namespace semisam::eval::cpu
