// PyTorch's legacy nearest resize of 3-D volumes (with an optional leading channel axis), as a
// per-axis index gather on the CPU.
#include "ssl/pseudo_labels/nearest_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/copy.h"

namespace semisam::ssl {
namespace {

// The source index PyTorch's legacy nearest reads: min(floor(o · scale), in − 1) with
// scale = (float)in / out and the product rounded to float32 (ATen's nearest_idx with no
// scale_factor). We keep the float32 arithmetic on purpose: exact integer floor(o·in/out) differs
// for realistic label shapes, e.g. in = 64, out = 82, o = 41: 64/82 rounds down in float32 and
// 41·scale = 31.999998, so PyTorch reads 31 where the exact quotient gives 32 (also 80→92 at
// o = 69). ATen's special cases (out == in: o; out == 2·in: o >> 1) agree with this formula, since
// the scales 1 and 0.5 are exact; so do 8→128 and 128→8 (powers of two).
int64_t legacy_nearest_index(int64_t o, int64_t in, int64_t out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  const float product = static_cast<float>(o) * scale;
  return std::min(static_cast<int64_t>(std::floor(product)), in - 1);
}

std::vector<int64_t> index_map(int64_t in, int64_t out) {
  std::vector<int64_t> map(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) map[size_t(o)] = legacy_nearest_index(o, in, out);
  return map;
}

Tensor resize_on_cpu(const Tensor& volume, const std::array<int64_t, 3>& out) {
  const Tensor src = ops::contiguous(volume);
  const bool has_channels = src.dim() == 4;
  const int64_t channels = has_channels ? src.size(0) : 1;
  const int64_t first = has_channels ? 1 : 0;
  const int64_t in_x = src.size(first), in_y = src.size(first + 1), in_z = src.size(first + 2);
  const std::vector<int64_t> mx = index_map(in_x, out[0]), my = index_map(in_y, out[1]),
                             mz = index_map(in_z, out[2]);
  Shape out_shape{out[0], out[1], out[2]};
  if (has_channels) out_shape.insert(out_shape.begin(), channels);
  Tensor dst = Tensor::empty(out_shape, src.dtype(), Device::cpu());
  dispatch_dtype(src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = src.data<T>();
    T* o = dst.data<T>();
    for (int64_t c = 0; c < channels; ++c) {
      const T* in_c = in + c * in_x * in_y * in_z;
      for (int64_t x = 0; x < out[0]; ++x)
        for (int64_t y = 0; y < out[1]; ++y) {
          const T* row = in_c + (mx[size_t(x)] * in_y + my[size_t(y)]) * in_z;
          for (int64_t z = 0; z < out[2]; ++z) *o++ = row[mz[size_t(z)]];
        }
    }
  });
  return dst;
}

}  // namespace

Tensor nearest_resize(const Tensor& volume, const std::array<int64_t, 3>& out) {
  SEMISAM_CHECK(volume.defined() && (volume.dim() == 3 || volume.dim() == 4),
                "nearest_resize: volume must be [X, Y, Z] or [C, X, Y, Z], got ",
                volume.defined() ? volume.str() : std::string("an undefined tensor"));
  SEMISAM_CHECK(volume.numel() > 0, "nearest_resize: empty volume ", volume.str());
  SEMISAM_CHECK(out[0] > 0 && out[1] > 0 && out[2] > 0,
                "nearest_resize: output sizes must be positive, got [", out[0], ", ", out[1], ", ",
                out[2], "] for ", volume.str());
  if (volume.device().is_cpu()) return resize_on_cpu(volume, out);
  // Used on small volumes (feature grids, labels) between rounds: a round trip through the host
  // costs less than it is worth writing a kernel for.
  return ops::to_device(resize_on_cpu(ops::to_device(volume, Device::cpu()), out),
                        volume.device());
}

}  // namespace semisam::ssl
