// Tests of the synthetic phantoms: layout and determinism of the written dataset, plausible
// label statistics, partial-volume edges, and that a single intensity threshold cannot segment
// them while local context helps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "io/dataset.h"
#include "io/phantom.h"
#include "io/split_list.h"
#include "common/temp_dir.h"

namespace semisam::io {
namespace {

using test::TempDir;

PhantomOptions small_options() {
  PhantomOptions options;
  options.size = {48, 40, 32};
  options.cases_train = 2;
  options.cases_val = 1;
  options.cases_test = 1;
  options.num_classes = 3;
  options.seed = 7;
  return options;
}

bool same_tensor(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) == 0;
}

// Foreground (label > 0) Dice of the best threshold "value > t" over 200 quantiles.
double best_threshold_dice(const std::vector<float>& values, const uint8_t* label) {
  std::vector<float> sorted(values);
  std::sort(sorted.begin(), sorted.end());
  size_t n = values.size(), foreground = 0;
  for (size_t i = 0; i < n; ++i) foreground += label[i] > 0;
  double best = 0;
  for (size_t q = 1; q < 200; ++q) {
    float threshold = sorted[n * q / 200];
    size_t predicted = 0, hits = 0;
    for (size_t i = 0; i < n; ++i) {
      bool on = values[i] > threshold;
      predicted += on;
      hits += on && label[i] > 0;
    }
    best = std::max(best, 2.0 * double(hits) / double(predicted + foreground));
  }
  return best;
}

// 3x3x3 mean filter (clipped at the borders): the simplest use of spatial context.
std::vector<float> box_filter(const Tensor& image) {
  int64_t X = image.size(0), Y = image.size(1), Z = image.size(2);
  const float* in = image.data<float>();
  std::vector<float> out(size_t(image.numel()));
  for (int64_t x = 0; x < X; ++x)
    for (int64_t y = 0; y < Y; ++y)
      for (int64_t z = 0; z < Z; ++z) {
        double sum = 0;
        int count = 0;
        for (int64_t a = std::max<int64_t>(x - 1, 0); a <= std::min(x + 1, X - 1); ++a)
          for (int64_t b = std::max<int64_t>(y - 1, 0); b <= std::min(y + 1, Y - 1); ++b)
            for (int64_t c = std::max<int64_t>(z - 1, 0); c <= std::min(z + 1, Z - 1); ++c) {
              sum += in[(a * Y + b) * Z + c];
              ++count;
            }
        out[size_t((x * Y + y) * Z + z)] = float(sum / count);
      }
  return out;
}

TEST(Phantom, WritesTheReferenceLayoutDeterministically) {
  TempDir first, second, other;
  PhantomOptions options = small_options();
  std::vector<std::string> reported;
  write_phantom_dataset(first.str(), options,
                        [&](const PhantomWritten& written) {
                          EXPECT_EQ(written.total, 4);
                          EXPECT_EQ(written.index, int64_t(reported.size()));
                          EXPECT_EQ(written.path, case_path(first.str(), written.name));
                          EXPECT_GT(written.foreground_fraction, 0.01);
                          reported.push_back(written.split + ":" + written.name);
                        });
  EXPECT_EQ(reported, (std::vector<std::string>{"train:phantom_0000", "train:phantom_0001",
                                                "val:phantom_0002", "test:phantom_0003"}));
  EXPECT_EQ(read_split_list(first.file("train.txt")),
            (std::vector<std::string>{"phantom_0000", "phantom_0001"}));
  EXPECT_EQ(read_split_list(first.file("val.txt")), std::vector<std::string>{"phantom_0002"});
  EXPECT_EQ(read_split_list(first.file("test.txt")), std::vector<std::string>{"phantom_0003"});

  write_phantom_dataset(second.str(), options);
  for (const char* file : {"train.txt", "val.txt", "test.txt", "data/phantom_0000.h5",
                           "data/phantom_0003.h5"}) {
    std::string a = test::read_bytes(first.file(file));
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_TRUE(a == test::read_bytes(second.file(file))) << file << " differs between runs";
  }
  options.seed = 8;
  write_phantom_dataset(other.str(), options);
  EXPECT_FALSE(test::read_bytes(first.file("data/phantom_0000.h5")) ==
               test::read_bytes(other.file("data/phantom_0000.h5")));
  for (const auto& entry : std::filesystem::directory_iterator(first.file("data")))
    EXPECT_EQ(entry.path().extension(), ".h5") << "leftover " << entry.path();
}

TEST(Phantom, FilesHoldWhatTheGeneratorMakesAndLoadCleanly) {
  TempDir dir;
  PhantomOptions options = small_options();
  write_phantom_dataset(dir.str(), options);
  DatasetOptions load;
  load.num_classes = 3;
  auto cases = load_split(dir.str(), "train.txt", load);
  ASSERT_EQ(cases.size(), 2u);
  for (size_t i = 0; i < cases.size(); ++i) {
    PhantomCase generated = generate_phantom_case(options, int64_t(i));
    EXPECT_TRUE(same_tensor(cases[i].image, generated.image));
    EXPECT_TRUE(same_tensor(cases[i].label, generated.label));
    EXPECT_EQ(cases[i].image.shape(), (Shape{48, 40, 32}));
    double sum = 0, square = 0;
    const float* v = cases[i].image.data<float>();
    for (int64_t k = 0; k < cases[i].image.numel(); ++k) {
      sum += v[k];
      square += double(v[k]) * v[k];
    }
    double mean = sum / double(cases[i].image.numel());
    EXPECT_NEAR(mean, 0.0, 1e-4);
    EXPECT_NEAR(std::sqrt(square / double(cases[i].image.numel()) - mean * mean), 1.0, 1e-3);
    std::vector<int64_t> counts(3, 0);
    const uint8_t* l = cases[i].label.data<uint8_t>();
    for (int64_t k = 0; k < cases[i].label.numel(); ++k) ++counts[l[k]];
    double organ = double(counts[1] + counts[2]) / double(cases[i].label.numel());
    EXPECT_GT(organ, 0.01) << "case " << i;
    EXPECT_LT(organ, 0.3) << "case " << i;
    EXPECT_GT(counts[2], 0) << "class 2 missing in case " << i;
  }
  // A case depends only on its index, not on how many cases the other splits hold.
  PhantomOptions more = options;
  more.cases_val = 5;
  EXPECT_TRUE(same_tensor(generate_phantom_case(more, 1).image, cases[1].image));
}

TEST(Phantom, EdgesHavePartialVolume) {
  PhantomOptions clean = small_options();
  clean.num_classes = 2;
  clean.background_texture = clean.organ_texture = clean.noise = clean.bias = 0;
  clean.distractors = 0;
  PhantomCase c = generate_phantom_case(clean, 0);
  const float* v = c.image.data<float>();
  const uint8_t* l = c.label.data<uint8_t>();
  int64_t n = c.image.numel();
  float low = *std::min_element(v, v + n), high = *std::max_element(v, v + n);
  ASSERT_GT(high - low, 1.0f);
  int64_t X = c.image.size(0), Y = c.image.size(1), Z = c.image.size(2);
  auto near_other_label = [&](int64_t x, int64_t y, int64_t z) {
    uint8_t own = l[(x * Y + y) * Z + z];
    for (int64_t a = std::max<int64_t>(x - 2, 0); a <= std::min(x + 2, X - 1); ++a)
      for (int64_t b = std::max<int64_t>(y - 2, 0); b <= std::min(y + 2, Y - 1); ++b)
        for (int64_t d = std::max<int64_t>(z - 2, 0); d <= std::min(z + 2, Z - 1); ++d)
          if (l[(a * Y + b) * Z + d] != own) return true;
    return false;
  };
  int64_t partial = 0, interior_mismatch = 0;
  float eps = 1e-4f * (high - low);
  for (int64_t x = 0; x < X; ++x)
    for (int64_t y = 0; y < Y; ++y)
      for (int64_t z = 0; z < Z; ++z) {
        float value = v[(x * Y + y) * Z + z];
        bool is_partial = value > low + eps && value < high - eps;
        partial += is_partial;
        if (is_partial && !near_other_label(x, y, z)) ++interior_mismatch;
        // Labels follow the larger share: a voxel more than half covered is organ.
        if (value > low + 0.6f * (high - low)) {
          EXPECT_EQ(l[(x * Y + y) * Z + z], 1);
        }
        if (value < low + 0.4f * (high - low)) {
          EXPECT_EQ(l[(x * Y + y) * Z + z], 0);
        }
      }
  EXPECT_GT(partial, 100);
  EXPECT_EQ(interior_mismatch, 0);
}

TEST(Phantom, SingleThresholdFailsButContextHelps) {
  PhantomOptions options;
  options.size = {64, 64, 48};
  options.seed = 1337;
  double raw_sum = 0, smooth_sum = 0;
  const int cases = 3;
  for (int i = 0; i < cases; ++i) {
    PhantomCase c = generate_phantom_case(options, i);
    const float* v = c.image.data<float>();
    double raw = best_threshold_dice(std::vector<float>(v, v + c.image.numel()), c.label.data<uint8_t>());
    double smooth = best_threshold_dice(box_filter(c.image), c.label.data<uint8_t>());
    EXPECT_LT(raw, 0.9) << "case " << i << " is segmented by a threshold";
    raw_sum += raw;
    smooth_sum += smooth;
  }
  EXPECT_LT(raw_sum / cases, 0.85);
  EXPECT_GT(smooth_sum / cases, raw_sum / cases + 0.08);
}

TEST(Phantom, InvalidOptionsAreNamed) {
  auto message = [](const std::function<void(PhantomOptions&)>& change) {
    PhantomOptions options;
    change(options);
    try {
      validate(options);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message([](auto& o) { o.size = {8, 96, 64}; }).find("size along axis 0"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.num_classes = 1; }).find("classes must be 2..8"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.num_classes = 9; }).find("got 9"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.cases_val = 0; }).find("at least one case"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.noise = -1; }).find("must not be negative"), std::string::npos);
  EXPECT_EQ(message([](auto&) {}), "");
}

}  // namespace
}  // namespace semisam::io
