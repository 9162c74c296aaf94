// Axial slices of a test case for the report: the scan in grey, the predicted classes as a
// translucent fill, the ground truth as a green outline. Pure functions over host tensors; the
// PNG files are written by the caller (io/png_image.h).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "io/png_image.h"
#include "tensor/tensor.h"

namespace semisam::ssl {

// The ground-truth outline colour: pure green, which the grey scan and the class fills never
// produce, so a rendered page can be checked for it.
inline constexpr std::array<uint8_t, 3> kTruthOutline{0, 255, 0};

// The fill colour of foreground class `k` (1-based), repeating after eight classes.
std::array<uint8_t, 3> class_fill_colour(int64_t k);

// `count` axial slices (indices along the last axis, Z) spread evenly over the Z range where the
// prediction or the ground truth has foreground, ascending and distinct; the middle slice when
// neither has any. `truth` may be undefined.
std::vector<int64_t> preview_slices(const Tensor& prediction, const Tensor& truth, int64_t count);

// One slice z as an image: rows follow the first axis (X), columns the second (Y), as numpy's
// imshow(volume[:, :, z]) shows it; each voxel becomes scale × scale pixels. The grey window runs
// from the slice's 0.5th to its 99.5th intensity percentile. image: float32 [X, Y, Z];
// prediction and truth: uint8 [X, Y, Z] (truth may be undefined); all on the CPU.
io::RgbImage render_slice(const Tensor& image, const Tensor& prediction, const Tensor& truth,
                          int64_t z, int64_t scale);

// The pixel scale that makes the larger in-plane side at least `min_pixels` (1 to 8).
int64_t preview_scale(const Tensor& image, int64_t min_pixels = 256);

}  // namespace semisam::ssl
