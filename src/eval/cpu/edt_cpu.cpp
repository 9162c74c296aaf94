// CPU reference of the separable exact Euclidean distance transform: a two-scan pass along X
// (sources are voxels, so no envelope is needed yet), then lower envelopes along Y and Z.
#include "eval/cpu/edt_cpu.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace semisam::eval::cpu {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Where the parabola rooted at q starts to lie below the one rooted at p (p < q), in samples.
inline double envelope_crossing(int64_t p, double fp, int64_t q, double fq, double step2) {
  const double dp = double(p), dq = double(q);
  return ((fq - fp) / step2 + (dq - dp) * (dq + dp)) / (2.0 * (dq - dp));
}
}  // namespace

EnvelopeScratch::EnvelopeScratch(int64_t n)
    : vertex(size_t(n)), height(size_t(n)), boundary(size_t(n) + 1), line(size_t(n)) {}

void lower_envelope_1d(const double* f, int64_t n, double step, double* out,
                       EnvelopeScratch& scratch) {
  std::copy(f, f + n, scratch.line.begin());
  const double* in = scratch.line.data();
  int64_t* vertex = scratch.vertex.data();
  double* height = scratch.height.data();
  double* boundary = scratch.boundary.data();
  const double step2 = step * step;

  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (in[q] == kInf) continue;  // an infinite parabola never reaches the envelope
    double start = -kInf;
    while (k >= 0) {
      start = envelope_crossing(vertex[k], height[k], q, in[q], step2);
      if (start > boundary[k]) break;
      --k;  // parabola k is hidden by its neighbours
    }
    if (k < 0) start = -kInf;
    ++k;
    vertex[k] = q;
    height[k] = in[q];
    boundary[k] = start;
    boundary[k + 1] = kInf;
  }
  if (k < 0) {
    std::fill(out, out + n, kInf);
    return;
  }
  int64_t j = 0;
  for (int64_t q = 0; q < n; ++q) {
    while (boundary[j + 1] < double(q)) ++j;
    const double t = double(q - vertex[j]) * step;
    out[q] = t * t + height[j];
  }
}

void squared_distance_to_sources(const uint8_t* volume, bool source_is_nonzero, Extent e,
                                 const Spacing& spacing, double* out) {
  const int64_t plane = e.y * e.z;
  const int64_t n = e.numel();
  if (n == 0) return;
  // Along X: the voxel count to the nearest source on the same line, forwards then backwards.
  for (int64_t x = 0; x < e.x; ++x) {
    const uint8_t* src = volume + x * plane;
    double* dst = out + x * plane;
    const double* prev = x > 0 ? out + (x - 1) * plane : nullptr;
    for (int64_t i = 0; i < plane; ++i) {
      const bool source = (src[i] != 0) == source_is_nonzero;
      dst[i] = source ? 0.0 : (prev ? prev[i] + 1.0 : kInf);
    }
  }
  for (int64_t x = e.x - 2; x >= 0; --x) {
    double* dst = out + x * plane;
    const double* next = dst + plane;
    for (int64_t i = 0; i < plane; ++i) dst[i] = std::min(dst[i], next[i] + 1.0);
  }
  // Squared as scipy does it, (count * spacing)^2, so that sums round the same way.
  for (int64_t i = 0; i < n; ++i) {
    const double t = out[i] * spacing.x;
    out[i] = t * t;
  }

  EnvelopeScratch scratch(std::max(e.y, e.z));
  std::vector<double> column(size_t(e.y));
  for (int64_t x = 0; x < e.x; ++x) {  // along Y, one X plane (contiguous, cache resident) at a time
    double* base = out + x * plane;
    for (int64_t z = 0; z < e.z; ++z) {
      for (int64_t y = 0; y < e.y; ++y) column[size_t(y)] = base[y * e.z + z];
      lower_envelope_1d(column.data(), e.y, spacing.y, column.data(), scratch);
      for (int64_t y = 0; y < e.y; ++y) base[y * e.z + z] = column[size_t(y)];
    }
  }
  for (int64_t line = 0; line < e.x * e.y; ++line) {  // along Z: contiguous lines, in place
    double* row = out + line * e.z;
    lower_envelope_1d(row, e.z, spacing.z, row, scratch);
  }
}

void sqrt_inplace(double* values, int64_t n) {
  for (int64_t i = 0; i < n; ++i) values[i] = std::sqrt(values[i]);
}

}  // namespace semisam::eval::cpu
