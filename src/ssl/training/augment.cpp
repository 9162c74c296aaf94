// SPEC §4 augmentation: Philox-drawn parameters, and their application as one strided view
// (rotation and flip as permuted, negated strides) copied into a zero-filled patch on the device.
#include "ssl/training/augment.h"

#include <algorithm>
#include <string>
#include <vector>

#include "kernels/copy.h"
#include "ssl/training/batch_random.h"
#include "tensor/error.h"

namespace semisam::ssl {

namespace {

// Draws per sample in the augmentation stream: k, flip axis, three crop starts, and room to spare
// so adding a draw later does not shift the other samples' numbers.
constexpr uint64_t kDrawsPerSample = 8;

std::string size3_str(const Size3& s) { return shape_str(Shape(s.begin(), s.end())); }

// Python's a // 2 (rounds towards −∞, unlike C++ division).
int64_t floor_half(int64_t a) { return a >= 0 ? a / 2 : -((1 - a) / 2); }

// The volume's shape after numpy.rot90(·, k, axes=(0, 1)): odd k swaps x and y.
Size3 rotated_shape(const Size3& shape, int k) {
  return k % 2 ? Size3{shape[1], shape[0], shape[2]} : shape;
}

// numpy.flip as a view: the axis is walked backwards from its last element.
Tensor flip_view(const Tensor& t, int64_t axis) {
  std::vector<int64_t> strides = t.strides();
  int64_t offset = t.offset() + (t.size(axis) - 1) * strides[size_t(axis)];
  strides[size_t(axis)] = -strides[size_t(axis)];
  return t.as_strided(t.shape(), strides, offset);
}

// numpy.rot90(t, k, axes=(0, 1)) followed by numpy.flip(·, flip_axis), as a view.
Tensor oriented_view(const Tensor& t, int k, int flip_axis) {
  Tensor v = t;
  switch (k) {
    case 1: v = flip_view(v, 1).permute({1, 0, 2}); break;
    case 2: v = flip_view(flip_view(v, 0), 1); break;
    case 3: v = flip_view(v.permute({1, 0, 2}), 1); break;
    default: break;
  }
  return flip_view(v, flip_axis);
}

void check_params(const Size3& shape, const AugmentParams& p, const Size3& patch) {
  SEMISAM_CHECK(p.rot90_k >= 0 && p.rot90_k <= 3, "apply_augmentation: rot90_k must be 0..3, got ",
                p.rot90_k);
  SEMISAM_CHECK(p.flip_axis == 0 || p.flip_axis == 1,
                "apply_augmentation: flip_axis must be 0 or 1, got ", p.flip_axis);
  Size3 rotated = rotated_shape(shape, p.rot90_k);
  for (size_t a = 0; a < 3; ++a) {
    SEMISAM_CHECK(patch[a] >= 1, "apply_augmentation: patch ", size3_str(patch),
                  " has an empty axis");
    int64_t room = rotated[a] + 2 * p.pad[a] - patch[a];
    SEMISAM_CHECK(p.pad[a] >= 0 && p.crop_start[a] >= 0 && p.crop_start[a] <= room,
                  "apply_augmentation: axis ", a, " of the rotated volume ", size3_str(rotated),
                  " padded by ", p.pad[a], " cannot hold a patch ", size3_str(patch),
                  " cropped from ", p.crop_start[a]);
  }
}

// The patch of one volume: a zero patch, and the part of it that falls inside the oriented
// volume (padding is where it does not) copied from the strided view.
Tensor augment_volume(const Tensor& t, const AugmentParams& p, const Size3& patch) {
  Tensor v = oriented_view(t, p.rot90_k, p.flip_axis);
  Tensor out = Tensor::zeros(Shape(patch.begin(), patch.end()), t.dtype(), t.device());
  Tensor dst = out;
  for (int64_t a = 0; a < 3; ++a) {
    // Patch position o is padded position o + crop_start, i.e. volume position o + shift.
    int64_t shift = p.crop_start[size_t(a)] - p.pad[size_t(a)];
    int64_t lo = std::max<int64_t>(0, -shift);
    int64_t hi = std::min(patch[size_t(a)], v.size(a) - shift);
    if (hi <= lo) return out;  // the patch lies wholly in the padding
    dst = dst.narrow(a, lo, hi - lo);
    v = v.narrow(a, lo + shift, hi - lo);
  }
  ops::copy_(dst, v);
  return out;
}

}  // namespace

AugmentParams draw_augmentation(const Size3& volume_shape, const Size3& patch, uint64_t seed,
                                int64_t iteration, int64_t sample) {
  SEMISAM_CHECK(iteration >= 0 && sample >= 0, "draw_augmentation: iteration ", iteration,
                " and sample ", sample, " must not be negative");
  for (size_t a = 0; a < 3; ++a)
    SEMISAM_CHECK(volume_shape[a] >= 1 && patch[a] >= 1, "draw_augmentation: volume ",
                  size3_str(volume_shape), " and patch ", size3_str(patch),
                  " must have every axis at least 1");
  uint64_t first = uint64_t(sample) * kDrawsPerSample;
  auto draw = [&](int64_t n, uint64_t d) {
    return uniform_index(n, seed, kAugmentationStream, uint64_t(iteration), first + d);
  };
  AugmentParams p;
  p.rot90_k = int(draw(4, 0));
  p.flip_axis = int(draw(2, 1));
  // The reference crops after rotating, so padding and crop ranges follow the rotated shape.
  Size3 rotated = rotated_shape(volume_shape, p.rot90_k);
  bool pad = false;
  for (size_t a = 0; a < 3; ++a) pad = pad || rotated[a] <= patch[a];
  for (size_t a = 0; a < 3; ++a) {
    p.pad[a] = pad ? std::max<int64_t>(floor_half(patch[a] - rotated[a]) + 3, 0) : 0;
    // numpy.random.randint(0, room): start in [0, room − 1]. The pad formula keeps room ≥ 1 (a
    // padded axis grows to at least patch + 5, an unpadded one is longer than the patch); were it
    // 0, numpy would raise, and the only possible start, 0, is taken.
    int64_t room = rotated[a] + 2 * p.pad[a] - patch[a];
    p.crop_start[a] = room >= 1 ? draw(room, 2 + a) : 0;
  }
  return p;
}

Patch apply_augmentation(const Tensor& image, const Tensor& label, const AugmentParams& params,
                         const Size3& patch) {
  SEMISAM_CHECK(image.defined() && image.dim() == 3 && image.dtype() == DType::Float32,
                "apply_augmentation: image must be float32 [X, Y, Z], got ", image.str());
  if (label.defined()) {
    SEMISAM_CHECK(label.shape() == image.shape(), "apply_augmentation: label ",
                  shape_str(label.shape()), " and image ", shape_str(image.shape()),
                  " differ in shape");
    SEMISAM_CHECK(label.dtype() == DType::UInt8 && label.device() == image.device(),
                  "apply_augmentation: label must be uint8 on the image's device (",
                  image.device().str(), "), got ", label.str());
  }
  Size3 shape{image.size(0), image.size(1), image.size(2)};
  for (int64_t s : shape)
    SEMISAM_CHECK(s >= 1, "apply_augmentation: empty image ", image.str());
  check_params(shape, params, patch);
  Patch out;
  out.image = augment_volume(image, params, patch);
  if (label.defined()) out.label = augment_volume(label, params, patch);
  return out;
}

}  // namespace semisam::ssl
