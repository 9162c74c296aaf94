// Solids of the synthetic phantoms (deformed ellipsoids for organs, tubes for vessel-like
// distractors) and their partial-volume rasterisation.
#pragma once

#include <array>
#include <vector>

#include "io/phantom_random.h"

namespace semisam::io::phantom {

using Point = std::array<double, 3>;

// A shape given by a level function: < 1 inside, > 1 outside, smooth across 1.
class Solid {
 public:
  virtual ~Solid() = default;
  virtual double level(const Point& p) const = 0;
  // Axis-aligned box (voxel coordinates) outside which the level is surely > 1.
  virtual std::array<Point, 2> bounds() const = 0;
  // How far the level can change within half a voxel's diagonal: voxels whose centre level is
  // closer than this to 1 may be partly covered and are supersampled.
  virtual double boundary_band() const = 0;
};

// An organ-like solid: a rotated ellipsoid whose radius is modulated by a few low-frequency
// harmonics of random direction, frequency and phase.
class DeformedEllipsoid : public Solid {
 public:
  struct Harmonic {
    Point frequency;  // in the ellipsoid's unit-sphere coordinates
    double phase = 0;
    double amplitude = 0;
  };
  DeformedEllipsoid(Point centre, Point semi_axes, std::array<double, 9> rotation,
                    std::vector<Harmonic> harmonics);
  // Random orientation and harmonics around a given centre and semi-axes.
  static DeformedEllipsoid random(Random& random, Point centre, Point semi_axes,
                                  double max_amplitude);

  double level(const Point& p) const override;
  std::array<Point, 2> bounds() const override;
  double boundary_band() const override;
  // The largest distance from the centre that can be inside (voxels).
  double reach() const;
  DeformedEllipsoid scaled(double factor) const;  // semi-axes times factor
  DeformedEllipsoid moved_to(const Point& centre) const;
  const Point& centre() const { return centre_; }
  const Point& semi_axes() const { return semi_axes_; }

 private:
  Point centre_, semi_axes_;
  std::array<double, 9> rotation_;
  std::vector<Harmonic> harmonics_;
  double total_amplitude_ = 0;
};

// A straight tube (capsule) of constant radius between two points.
class Tube : public Solid {
 public:
  Tube(Point from, Point to, double radius) : from_(from), to_(to), radius_(radius) {}
  double level(const Point& p) const override;
  std::array<Point, 2> bounds() const override;
  double boundary_band() const override;

 private:
  Point from_, to_;
  double radius_;
};

// Fraction of every voxel of the grid inside the solid (voxel (i, j, k) is the unit cube centred
// on (i, j, k)), estimated with 3x3x3 samples near the boundary; 0 or 1 elsewhere.
std::vector<float> coverage(const Grid& grid, const Solid& solid);

}  // namespace semisam::io::phantom
