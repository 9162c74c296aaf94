// CPU reference of surface extraction (eval/surface.h) on raw C-ordered [X, Y, Z] masks.
#pragma once

#include <cstdint>

#include "eval/spacing.h"

namespace semisam::eval::cpu {

// 1 where the mask is nonzero and some 6-neighbour is zero; a neighbour outside the array counts as
// zero when `outside_is_background` (medpy surfaces) and is ignored otherwise (skimage 'inner').
void face_boundary(const uint8_t* mask, Extent extent, bool outside_is_background, uint8_t* out);

}  // namespace semisam::eval::cpu
