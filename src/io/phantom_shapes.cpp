// Level functions of the phantom solids and their supersampled rasterisation.
#include "io/phantom_shapes.h"

#include <algorithm>
#include <cmath>

namespace semisam::io::phantom {
namespace {

constexpr double kHalfDiagonal = 0.8661;  // half the diagonal of a unit voxel
constexpr int kSamplesPerAxis = 3;

double dot(const Point& a, const Point& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

}  // namespace

DeformedEllipsoid::DeformedEllipsoid(Point centre, Point semi_axes, std::array<double, 9> rotation,
                                     std::vector<Harmonic> harmonics)
    : centre_(centre), semi_axes_(semi_axes), rotation_(rotation), harmonics_(std::move(harmonics)) {
  for (const auto& h : harmonics_) total_amplitude_ += std::abs(h.amplitude);
}

DeformedEllipsoid DeformedEllipsoid::random(Random& random, Point centre, Point semi_axes,
                                            double max_amplitude) {
  std::array<double, 9> rotation = random.rotation();
  std::vector<Harmonic> harmonics(4);
  for (auto& h : harmonics) {
    Point direction = random.unit_vector();
    double frequency = random.uniform(1.2, 2.8);
    for (int a = 0; a < 3; ++a) h.frequency[size_t(a)] = direction[size_t(a)] * frequency;
    h.phase = random.uniform(0.0, 6.283185307179586);
    h.amplitude = random.uniform(0.25, 1.0) * max_amplitude;
  }
  return DeformedEllipsoid(centre, semi_axes, rotation, std::move(harmonics));
}

DeformedEllipsoid DeformedEllipsoid::scaled(double factor) const {
  Point axes = {semi_axes_[0] * factor, semi_axes_[1] * factor, semi_axes_[2] * factor};
  return DeformedEllipsoid(centre_, axes, rotation_, harmonics_);
}

DeformedEllipsoid DeformedEllipsoid::moved_to(const Point& centre) const {
  return DeformedEllipsoid(centre, semi_axes_, rotation_, harmonics_);
}

double DeformedEllipsoid::level(const Point& p) const {
  Point d = {p[0] - centre_[0], p[1] - centre_[1], p[2] - centre_[2]};
  // Local coordinates: rotate into the ellipsoid's frame (transpose of the rotation), then
  // scale the semi-axes to 1.
  Point u;
  for (int a = 0; a < 3; ++a) {
    double along = rotation_[size_t(a)] * d[0] + rotation_[size_t(3 + a)] * d[1] +
                   rotation_[size_t(6 + a)] * d[2];
    u[size_t(a)] = along / semi_axes_[size_t(a)];
  }
  double modulation = 1.0;
  for (const auto& h : harmonics_) modulation += h.amplitude * std::sin(dot(h.frequency, u) + h.phase);
  return std::sqrt(dot(u, u)) / modulation;
}

double DeformedEllipsoid::reach() const {
  double longest = std::max({semi_axes_[0], semi_axes_[1], semi_axes_[2]});
  return longest * (1.0 + total_amplitude_) + 1.0;
}

std::array<Point, 2> DeformedEllipsoid::bounds() const {
  double r = reach();
  return {{{centre_[0] - r, centre_[1] - r, centre_[2] - r},
           {centre_[0] + r, centre_[1] + r, centre_[2] + r}}};
}

double DeformedEllipsoid::boundary_band() const {
  // The level's gradient is about 1 / semi-axis, steepened by the harmonics' slopes.
  double shortest = std::min({semi_axes_[0], semi_axes_[1], semi_axes_[2]});
  double max_frequency = 0;
  for (const auto& h : harmonics_) max_frequency = std::max(max_frequency, std::sqrt(dot(h.frequency, h.frequency)));
  double steepening = (1.0 + total_amplitude_ * max_frequency) /
                      std::max(1e-3, 1.0 - total_amplitude_);
  return 1.2 * kHalfDiagonal * steepening / shortest;
}

double Tube::level(const Point& p) const {
  Point axis = {to_[0] - from_[0], to_[1] - from_[1], to_[2] - from_[2]};
  Point rel = {p[0] - from_[0], p[1] - from_[1], p[2] - from_[2]};
  double length_sq = dot(axis, axis);
  double t = length_sq > 0 ? std::clamp(dot(rel, axis) / length_sq, 0.0, 1.0) : 0.0;
  Point off = {rel[0] - t * axis[0], rel[1] - t * axis[1], rel[2] - t * axis[2]};
  return std::sqrt(dot(off, off)) / radius_;
}

std::array<Point, 2> Tube::bounds() const {
  Point low, high;
  for (size_t a = 0; a < 3; ++a) {
    low[a] = std::min(from_[a], to_[a]) - radius_ - 1.0;
    high[a] = std::max(from_[a], to_[a]) + radius_ + 1.0;
  }
  return {low, high};
}

double Tube::boundary_band() const { return 1.2 * kHalfDiagonal / radius_; }

std::vector<float> coverage(const Grid& grid, const Solid& solid) {
  std::vector<float> fraction(size_t(grid.count()), 0.f);
  auto box = solid.bounds();
  int64_t extent[3] = {grid.x, grid.y, grid.z};
  int64_t low[3], high[3];
  for (int a = 0; a < 3; ++a) {
    low[a] = std::clamp<int64_t>(int64_t(std::floor(box[0][size_t(a)])), 0, extent[a]);
    high[a] = std::clamp<int64_t>(int64_t(std::ceil(box[1][size_t(a)])) + 1, 0, extent[a]);
  }
  double band = solid.boundary_band();
  for (int64_t i = low[0]; i < high[0]; ++i)
    for (int64_t j = low[1]; j < high[1]; ++j)
      for (int64_t k = low[2]; k < high[2]; ++k) {
        Point centre = {double(i), double(j), double(k)};
        double level = solid.level(centre);
        float& out = fraction[size_t(grid.index(i, j, k))];
        if (std::abs(level - 1.0) >= band) {
          out = level < 1.0 ? 1.f : 0.f;
          continue;
        }
        int inside = 0;
        for (int a = 0; a < kSamplesPerAxis; ++a)
          for (int b = 0; b < kSamplesPerAxis; ++b)
            for (int c = 0; c < kSamplesPerAxis; ++c) {
              auto offset = [](int s) { return (s + 0.5) / kSamplesPerAxis - 0.5; };
              Point sample = {centre[0] + offset(a), centre[1] + offset(b), centre[2] + offset(c)};
              inside += solid.level(sample) < 1.0;
            }
        out = float(inside) / float(kSamplesPerAxis * kSamplesPerAxis * kSamplesPerAxis);
      }
  return fraction;
}

}  // namespace semisam::io::phantom
