// Deterministic random numbers and value-noise fields for the phantom generator.
#include "io/phantom_random.h"

#include <algorithm>
#include <cmath>

namespace semisam::io::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Quintic fade: smooth interpolation weights with zero first and second derivatives at lattice
// points, so the texture shows no grid artefacts.
double fade(double t) { return t * t * t * (t * (t * 6.0 - 15.0) + 10.0); }

// One octave of value noise added (times `weight`) into `out`.
void add_octave(const Grid& grid, double spacing, double weight, Random& random,
                std::vector<float>& out) {
  int64_t nx = int64_t(std::ceil(double(grid.x) / spacing)) + 2;
  int64_t ny = int64_t(std::ceil(double(grid.y) / spacing)) + 2;
  int64_t nz = int64_t(std::ceil(double(grid.z) / spacing)) + 2;
  std::vector<double> lattice(size_t(nx * ny * nz));
  for (double& v : lattice) v = random.normal();
  // A random sub-lattice offset, so that octaves do not share lattice points.
  double ox = random.uniform(), oy = random.uniform(), oz = random.uniform();
  auto at = [&](int64_t i, int64_t j, int64_t k) { return lattice[size_t((i * ny + j) * nz + k)]; };
  std::vector<double> wz(size_t(grid.z));
  std::vector<int64_t> kz(size_t(grid.z));
  for (int64_t k = 0; k < grid.z; ++k) {
    double t = double(k) / spacing + oz;
    kz[size_t(k)] = int64_t(t);
    wz[size_t(k)] = fade(t - double(kz[size_t(k)]));
  }
  for (int64_t i = 0; i < grid.x; ++i) {
    double tx = double(i) / spacing + ox;
    int64_t ix = int64_t(tx);
    double wx = fade(tx - double(ix));
    for (int64_t j = 0; j < grid.y; ++j) {
      double ty = double(j) / spacing + oy;
      int64_t iy = int64_t(ty);
      double wy = fade(ty - double(iy));
      for (int64_t k = 0; k < grid.z; ++k) {
        int64_t iz = kz[size_t(k)];
        double w = wz[size_t(k)];
        double c00 = at(ix, iy, iz) * (1 - w) + at(ix, iy, iz + 1) * w;
        double c01 = at(ix, iy + 1, iz) * (1 - w) + at(ix, iy + 1, iz + 1) * w;
        double c10 = at(ix + 1, iy, iz) * (1 - w) + at(ix + 1, iy, iz + 1) * w;
        double c11 = at(ix + 1, iy + 1, iz) * (1 - w) + at(ix + 1, iy + 1, iz + 1) * w;
        double c0 = c00 * (1 - wy) + c01 * wy;
        double c1 = c10 * (1 - wy) + c11 * wy;
        out[size_t(grid.index(i, j, k))] += float(weight * (c0 * (1 - wx) + c1 * wx));
      }
    }
  }
}

}  // namespace

uint64_t mix_seed(uint64_t value) {
  value += 0x9E3779B97F4A7C15ull;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
  return value ^ (value >> 31);
}

Random Random::for_stream(uint64_t seed, uint64_t case_index, uint64_t purpose) {
  return Random(mix_seed(mix_seed(mix_seed(seed) ^ case_index) ^ purpose));
}

double Random::uniform() { return double(engine_() >> 11) * 0x1.0p-53; }

double Random::uniform(double low, double high) { return low + (high - low) * uniform(); }

double Random::normal() {
  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
  double u = 1.0 - uniform();
  double v = uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * v);
}

std::array<double, 3> Random::unit_vector() {
  double z = uniform(-1.0, 1.0);
  double angle = uniform(0.0, 2.0 * kPi);
  double r = std::sqrt(1.0 - z * z);
  return {r * std::cos(angle), r * std::sin(angle), z};
}

std::array<double, 9> Random::rotation() {
  // Uniform random unit quaternion (Shoemake), converted to a matrix.
  double u1 = uniform(), u2 = uniform(0.0, 2.0 * kPi), u3 = uniform(0.0, 2.0 * kPi);
  double a = std::sqrt(1.0 - u1), b = std::sqrt(u1);
  double w = a * std::sin(u2), x = a * std::cos(u2), y = b * std::sin(u3), z = b * std::cos(u3);
  return {1 - 2 * (y * y + z * z), 2 * (x * y - z * w),     2 * (x * z + y * w),
          2 * (x * y + z * w),     1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
          2 * (x * z - y * w),     2 * (y * z + x * w),     1 - 2 * (x * x + y * y)};
}

void standardise(std::vector<float>& values) {
  if (values.empty()) return;
  double sum = 0, square_sum = 0;
  for (float v : values) {
    sum += v;
    square_sum += double(v) * v;
  }
  double mean = sum / double(values.size());
  double variance = std::max(0.0, square_sum / double(values.size()) - mean * mean);
  double scale = variance > 1e-20 ? 1.0 / std::sqrt(variance) : 0.0;
  for (float& v : values) v = float((v - mean) * scale);
}

std::vector<float> smooth_noise(const Grid& grid, const std::vector<double>& spacings,
                                Random& random) {
  std::vector<float> field(size_t(grid.count()), 0.f);
  double weight = 1.0;
  for (double spacing : spacings) {
    add_octave(grid, spacing, weight, random, field);
    weight *= 0.5;
  }
  standardise(field);
  return field;
}

}  // namespace semisam::io::phantom
