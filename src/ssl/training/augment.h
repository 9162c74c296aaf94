// SPEC §4 augmentation of one training sample, applied identically to image and label: rotation by
// k·90° in the (x, y) plane (numpy's rot90 with axes (0, 1)), a flip along x or y, then a random
// crop of the patch size after padding every axis that is not longer than the patch.
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ssl {

using Size3 = std::array<int64_t, 3>;

struct AugmentParams {
  int rot90_k = 0;    // 0..3 quarter turns, numpy.rot90(volume, k, axes=(0, 1))
  int flip_axis = 0;  // 0 (x) or 1 (y): numpy.flip(volume, axis) after the rotation
  // Per axis of the rotated volume: zeros added on both sides, max((patch − size)//2 + 3, 0),
  // applied to every axis when any axis is ≤ the patch (the reference's RandomCrop), else 0.
  Size3 pad{};
  Size3 crop_start{};  // uniform in [0, padded − patch − 1] (0 when padded − patch ≤ 1)
};

// Draws the parameters for sample `sample` of iteration `iteration` from Philox (seed): a pure
// function, so a resumed run augments exactly as the uninterrupted one.
AugmentParams draw_augmentation(const Size3& volume_shape, const Size3& patch, uint64_t seed,
                                int64_t iteration, int64_t sample);

struct Patch {
  Tensor image;  // float32 [patch] (contiguous, on the input's device)
  Tensor label;  // uint8 [patch]; undefined when no label was given
};

// Rotates, flips, pads and crops `image` (float32 [X, Y, Z]) and `label` (uint8 [X, Y, Z], may be
// undefined) on their device. Throws naming both shapes when they differ.
Patch apply_augmentation(const Tensor& image, const Tensor& label, const AugmentParams& params,
                         const Size3& patch);

}  // namespace semisam::ssl
