// PyTorch's legacy nearest resize of 3-D volumes (with an optional leading channel axis), as a
// per-axis index gather on the CPU.
#include "ssl/pseudo_labels/nearest_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/copy.h"
#include "kernels/nearest_index.h"

namespace semisam::ssl {
namespace {

std::vector<int64_t> index_map(int64_t in, int64_t out) {
  std::vector<int64_t> map(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) map[size_t(o)] = ops::legacy_nearest_index(o, in, out);
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
