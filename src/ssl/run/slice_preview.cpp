// Slice choice and rendering for the test previews.
#include "ssl/run/slice_preview.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"

namespace semisam::ssl {
namespace {

void check_volume(const Tensor& t, DType dtype, const Shape& shape, const char* what) {
  SEMISAM_CHECK(t.dim() == 3 && t.dtype() == dtype && t.device().is_cpu() && t.is_contiguous(),
                "slice preview: the ", what, " must be a contiguous ", dtype_name(dtype),
                " [X, Y, Z] tensor on the CPU, got ", shape_str(t.shape()), " ",
                dtype_name(t.dtype()));
  SEMISAM_CHECK(shape.empty() || t.shape() == shape, "slice preview: the ", what, " has shape ",
                shape_str(t.shape()), ", the image ", shape_str(shape));
}

// Index of voxel (x, y, z) in a contiguous [X, Y, Z] volume.
int64_t at(const Shape& s, int64_t x, int64_t y, int64_t z) { return (x * s[1] + y) * s[2] + z; }

}  // namespace

std::array<uint8_t, 3> class_fill_colour(int64_t k) {
  static constexpr std::array<uint8_t, 3> kColours[] = {
      {230, 25, 75},  {0, 130, 200},  {255, 225, 25}, {145, 30, 180},
      {245, 130, 48}, {70, 240, 240}, {240, 50, 230}, {128, 0, 0}};
  return kColours[(k - 1) % 8];
}

std::vector<int64_t> preview_slices(const Tensor& prediction, const Tensor& truth, int64_t count) {
  check_volume(prediction, DType::UInt8, {}, "prediction");
  const Shape& s = prediction.shape();
  if (truth.defined()) check_volume(truth, DType::UInt8, s, "ground truth");
  const uint8_t* p = prediction.data<uint8_t>();
  const uint8_t* t = truth.defined() ? truth.data<uint8_t>() : nullptr;
  int64_t first = s[2], last = -1;
  for (int64_t i = 0; i < prediction.numel(); ++i)
    if (p[i] != 0 || (t && t[i] != 0)) {
      const int64_t z = i % s[2];
      first = std::min(first, z);
      last = std::max(last, z);
    }
  if (last < 0) return {s[2] / 2};
  // Evenly inside [first, last]: the centres of `count` equal parts, so the ends (often a single
  // stray voxel) are not chosen.
  std::vector<int64_t> slices;
  const int64_t span = last - first + 1;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t z = first + (span * (2 * i + 1)) / (2 * count);
    if (slices.empty() || slices.back() != z) slices.push_back(z);
  }
  return slices;
}

int64_t preview_scale(const Tensor& image, int64_t min_pixels) {
  const int64_t side = std::max(image.size(0), image.size(1));
  return std::clamp<int64_t>((min_pixels + side - 1) / side, 1, 8);
}

io::RgbImage render_slice(const Tensor& image, const Tensor& prediction, const Tensor& truth,
                          int64_t z, int64_t scale) {
  check_volume(image, DType::Float32, {}, "image");
  const Shape& s = image.shape();
  check_volume(prediction, DType::UInt8, s, "prediction");
  if (truth.defined()) check_volume(truth, DType::UInt8, s, "ground truth");
  SEMISAM_CHECK(z >= 0 && z < s[2], "slice preview: slice ", z, " is outside 0..", s[2] - 1);
  SEMISAM_CHECK(scale >= 1 && scale <= 64, "slice preview: scale ", scale, " is outside 1..64");
  const float* img = image.data<float>();
  const uint8_t* pred = prediction.data<uint8_t>();
  const uint8_t* gt = truth.defined() ? truth.data<uint8_t>() : nullptr;

  std::vector<float> values;
  values.reserve(size_t(s[0] * s[1]));
  for (int64_t x = 0; x < s[0]; ++x)
    for (int64_t y = 0; y < s[1]; ++y) values.push_back(img[at(s, x, y, z)]);
  const auto percentile = [&](double q) {
    std::vector<float> v = values;
    const size_t k = size_t(std::llround(q * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + ptrdiff_t(k), v.end());
    return v[k];
  };
  const float low = percentile(0.005), high = percentile(0.995);
  const float range = high > low ? high - low : 1.0f;

  // A ground-truth voxel is on the outline when a 4-neighbour in the slice has another label
  // (or lies outside the volume).
  const auto on_outline = [&](int64_t x, int64_t y) {
    const uint8_t v = gt[at(s, x, y, z)];
    if (v == 0) return false;
    const int64_t dx[] = {-1, 1, 0, 0}, dy[] = {0, 0, -1, 1};
    for (int n = 0; n < 4; ++n) {
      const int64_t nx = x + dx[n], ny = y + dy[n];
      if (nx < 0 || ny < 0 || nx >= s[0] || ny >= s[1] || gt[at(s, nx, ny, z)] != v) return true;
    }
    return false;
  };

  io::RgbImage out(s[1] * scale, s[0] * scale);
  for (int64_t x = 0; x < s[0]; ++x)
    for (int64_t y = 0; y < s[1]; ++y) {
      const float g = std::clamp((img[at(s, x, y, z)] - low) / range, 0.0f, 1.0f) * 255.0f;
      std::array<uint8_t, 3> colour;
      colour.fill(uint8_t(std::lround(g)));
      if (gt && on_outline(x, y)) {
        colour = kTruthOutline;
      } else if (const uint8_t k = pred[at(s, x, y, z)]; k != 0) {
        const std::array<uint8_t, 3> fill = class_fill_colour(k);
        for (int c = 0; c < 3; ++c)  // 45 % fill over the scan
          colour[size_t(c)] =
              uint8_t(std::lround(0.55 * colour[size_t(c)] + 0.45 * fill[size_t(c)]));
      }
      for (int64_t r = 0; r < scale; ++r)
        for (int64_t q = 0; q < scale; ++q) {
          uint8_t* px = out.pixel(y * scale + q, x * scale + r);
          px[0] = colour[0], px[1] = colour[1], px[2] = colour[2];
        }
    }
  return out;
}

}  // namespace semisam::ssl
