// Composing phantom cases (geometry, intensities, bias, noise, normalisation) and writing a
// whole phantom dataset.
#include "io/phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "io/atomic_file.h"
#include "io/case_writer.h"
#include "io/dataset.h"
#include "io/phantom_shapes.h"
#include "io/split_list.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

using phantom::DeformedEllipsoid;
using phantom::Grid;
using phantom::Point;
using phantom::Random;

// Independent random streams of one case.
enum Stream : uint64_t { kGeometry = 1, kBackground = 2, kTissue = 3, kBias = 4, kNoise = 5 };

constexpr int64_t kMaxClasses = 8;
// Mean signal of each class before bias and noise; class 0 is the background. Neighbouring
// classes differ by at least half the organ/background contrast.
constexpr double kClassLevel[kMaxClasses] = {1.0, 2.0, 2.7, 1.5, 3.3, 2.35, 1.75, 3.0};

struct Geometry {
  std::vector<DeformedEllipsoid> structures;  // structures[c - 1] is class c
  std::vector<phantom::Tube> tubes;
  std::vector<double> tube_levels;
};

double uniform_in_volume(Random& random, double reach, int64_t extent) {
  double low = reach, high = double(extent - 1) - reach;
  return low <= high ? random.uniform(low, high) : 0.5 * double(extent - 1);
}

Geometry random_geometry(const PhantomOptions& options, Random& random) {
  const auto& size = options.size;
  double typical = std::cbrt(double(size[0] * size[1] * size[2]));
  double smallest = double(std::min({size[0], size[1], size[2]}));
  Geometry geometry;
  Point axes = {typical * random.uniform(0.19, 0.29), typical * random.uniform(0.19, 0.29),
                typical * random.uniform(0.19, 0.29)};
  DeformedEllipsoid organ = DeformedEllipsoid::random(random, {0, 0, 0}, axes, 0.1);
  // Keep the organ inside the volume: at most a little under half the smallest extent.
  double limit = 0.46 * smallest;
  if (organ.reach() > limit) organ = organ.scaled((limit - 1.0) / (organ.reach() - 1.0));
  Point centre;
  for (size_t a = 0; a < 3; ++a) centre[a] = uniform_in_volume(random, organ.reach(), size[a]);
  organ = organ.moved_to(centre);
  geometry.structures.push_back(organ);
  double organ_radius = (organ.semi_axes()[0] + organ.semi_axes()[1] + organ.semi_axes()[2]) / 3;
  for (int64_t c = 2; c < options.num_classes; ++c) {
    // A smaller structure inside the organ or bulging out of it, like a chamber or a lesion.
    Point direction = random.unit_vector();
    double distance = organ_radius * random.uniform(0.15, 0.75);
    Point inner_centre;
    for (size_t a = 0; a < 3; ++a) inner_centre[a] = centre[a] + distance * direction[a];
    Point inner_axes = {organ_radius * random.uniform(0.35, 0.55),
                        organ_radius * random.uniform(0.35, 0.55),
                        organ_radius * random.uniform(0.35, 0.55)};
    geometry.structures.push_back(DeformedEllipsoid::random(random, inner_centre, inner_axes, 0.08));
  }
  for (int64_t t = 0; t < options.distractors; ++t) {
    Point from = {random.uniform(0, double(size[0])), random.uniform(0, double(size[1])),
                  random.uniform(0, double(size[2]))};
    Point direction = random.unit_vector();
    double length = typical * random.uniform(0.5, 1.0);
    Point to;
    for (size_t a = 0; a < 3; ++a) to[a] = from[a] + length * direction[a];
    geometry.tubes.emplace_back(from, to, random.uniform(1.5, 3.0));
    geometry.tube_levels.push_back(random.uniform(1.8, 2.2));
  }
  return geometry;
}

}  // namespace

void validate(const PhantomOptions& options) {
  for (size_t a = 0; a < 3; ++a)
    SEMISAM_CHECK(options.size[a] >= 16 && options.size[a] <= 1024, "phantom size along axis ", a,
                  " must be 16..1024 voxels, got ", options.size[a]);
  SEMISAM_CHECK(options.num_classes >= 2 && options.num_classes <= kMaxClasses,
                "phantom classes must be 2..", kMaxClasses, " (background included), got ",
                options.num_classes);
  SEMISAM_CHECK(options.cases_train >= 1 && options.cases_val >= 1 && options.cases_test >= 1,
                "every phantom split needs at least one case, got train ", options.cases_train,
                ", val ", options.cases_val, ", test ", options.cases_test);
  SEMISAM_CHECK(options.background_texture >= 0 && options.organ_texture >= 0 &&
                    options.noise >= 0 && options.bias >= 0 && options.distractors >= 0,
                "phantom texture, noise, bias and distractor settings must not be negative");
}

std::string phantom_case_name(int64_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "phantom_%04lld", static_cast<long long>(index));
  return name;
}

PhantomCase generate_phantom_case(const PhantomOptions& options, int64_t index) {
  validate(options);
  Grid grid{options.size[0], options.size[1], options.size[2]};
  Random geometry_random = Random::for_stream(options.seed, uint64_t(index), kGeometry);
  Geometry geometry = random_geometry(options, geometry_random);

  std::vector<std::vector<float>> structure_cover, tube_cover;
  for (const auto& s : geometry.structures) structure_cover.push_back(phantom::coverage(grid, s));
  for (const auto& t : geometry.tubes) tube_cover.push_back(phantom::coverage(grid, t));

  Random background_random = Random::for_stream(options.seed, uint64_t(index), kBackground);
  Random tissue_random = Random::for_stream(options.seed, uint64_t(index), kTissue);
  Random bias_random = Random::for_stream(options.seed, uint64_t(index), kBias);
  Random noise_random = Random::for_stream(options.seed, uint64_t(index), kNoise);
  std::vector<float> background = phantom::smooth_noise(grid, {12.0, 6.0}, background_random);
  std::vector<float> tissue = phantom::smooth_noise(grid, {6.0, 3.0}, tissue_random);
  double bias_spacing = double(std::max({grid.x, grid.y, grid.z})) / 1.5;
  std::vector<float> bias = phantom::smooth_noise(grid, {bias_spacing}, bias_random);

  PhantomCase result;
  result.image = Tensor::empty({grid.x, grid.y, grid.z}, DType::Float32);
  result.label = Tensor::empty({grid.x, grid.y, grid.z}, DType::UInt8);
  float* image = result.image.data<float>();
  uint8_t* label = result.label.data<uint8_t>();
  int64_t classes = options.num_classes;
  for (int64_t v = 0; v < grid.count(); ++v) {
    size_t i = size_t(v);
    double texture = options.organ_texture * tissue[i];
    double signal = kClassLevel[0] + options.background_texture * background[i];
    // Layers are composited front over back by coverage (partial volume): vessels first (they
    // stay background), then the classes in order, each later one over the earlier ones.
    for (size_t t = 0; t < tube_cover.size(); ++t) {
      double f = tube_cover[t][i];
      signal = signal * (1 - f) + f * (geometry.tube_levels[t] + texture);
    }
    double share[kMaxClasses] = {1.0};
    for (int64_t c = 1; c < classes; ++c) {
      double f = structure_cover[size_t(c - 1)][i];
      signal = signal * (1 - f) + f * (kClassLevel[c] + texture);
      for (int64_t k = 0; k < c; ++k) share[k] *= 1 - f;
      share[c] = f;
    }
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (share[c] > share[best]) best = c;
    label[i] = uint8_t(best);
    signal *= std::exp(options.bias * bias[i]);
    if (options.noise > 0) signal += options.noise * noise_random.normal();
    image[i] = float(signal);
  }
  std::vector<float> values(image, image + grid.count());
  phantom::standardise(values);
  std::copy(values.begin(), values.end(), image);
  return result;
}

void write_phantom_dataset(const std::string& root, const PhantomOptions& options,
                           const PhantomProgress& progress) {
  validate(options);
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(root) / "data", error);
  SEMISAM_CHECK(!error, "cannot create ", root, "/data: ", error.message());
  struct Split {
    const char* name;
    int64_t count;
  };
  const Split splits[] = {{"train", options.cases_train}, {"val", options.cases_val},
                          {"test", options.cases_test}};
  int64_t total = options.cases_train + options.cases_val + options.cases_test;
  int64_t index = 0;
  for (const auto& split : splits) {
    std::vector<std::string> names;
    for (int64_t n = 0; n < split.count; ++n, ++index) {
      std::string name = phantom_case_name(index);
      PhantomCase generated = generate_phantom_case(options, index);
      std::string path = case_path(root, name);
      write_case_file(path, generated.image, generated.label);
      names.push_back(name);
      if (progress) {
        const uint8_t* label = generated.label.data<uint8_t>();
        int64_t foreground = 0;
        for (int64_t v = 0; v < generated.label.numel(); ++v) foreground += label[v] > 0;
        progress({index, total, split.name, name, path,
                  double(foreground) / double(generated.label.numel())});
      }
    }
    write_split_list((std::filesystem::path(root) / (std::string(split.name) + ".txt")).string(),
                     names);
  }
}

}  // namespace semisam::io
