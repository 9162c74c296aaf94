// Random numbers and smooth random fields for the synthetic phantoms. Only the raw output of
// std::mt19937_64 is used (fixed by the C++ standard), with our own uniform and normal
// transforms, so the same seed gives the same phantoms with every standard library.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace semisam::io::phantom {

// A well-mixed 64-bit value from any input (SplitMix64 finaliser): derives independent seeds.
uint64_t mix_seed(uint64_t value);

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Independent stream for (seed, case, purpose): changing one purpose's draws leaves the others.
  static Random for_stream(uint64_t seed, uint64_t case_index, uint64_t purpose);

  double uniform();                         // [0, 1)
  double uniform(double low, double high);  // [low, high)
  double normal();                          // mean 0, standard deviation 1
  std::array<double, 3> unit_vector();
  // A uniformly random rotation matrix (row-major 3x3).
  std::array<double, 9> rotation();

 private:
  std::mt19937_64 engine_;
};

// Extent of a volume [X, Y, Z] and its row-major voxel index.
struct Grid {
  int64_t x = 0, y = 0, z = 0;
  int64_t count() const { return x * y * z; }
  int64_t index(int64_t i, int64_t j, int64_t k) const { return (i * y + j) * z + k; }
};

// Smooth random texture: lattice value noise with quintic interpolation, summed over octaves
// whose lattice spacings (in voxels) are given, each octave half as strong as the one before,
// then shifted and scaled to mean 0 and standard deviation 1 over the volume.
std::vector<float> smooth_noise(const Grid& grid, const std::vector<double>& spacings,
                                Random& random);

// Shifts and scales values in place to mean 0 and standard deviation 1 (constant: all zero).
void standardise(std::vector<float>& values);

}  // namespace semisam::io::phantom
