// SPEC §5 sliding-window inference and SPEC §6 step-1 mean entropy, checked with fake predictors
// against hand-derived values and a brute-force double-precision implementation written here.
#include "ssl/inference/sliding_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "common/error_text.h"
#include "common/test_util.h"
#include "kernels/copy.h"

namespace semisam {
namespace {

using ssl::SlidingWindowOptions;
using Index3 = std::array<int64_t, 3>;
// Logit of class c for a voxel of value v at local position (i, j, k) of its patch.
using LogitFn = std::function<float(int64_t c, float v, int64_t i, int64_t j, int64_t k)>;

// A predictor that applies `logit` voxel by voxel on the host and records its batch sizes.
ssl::PatchPredictor fake_predictor(const SlidingWindowOptions& o, LogitFn logit,
                                   std::vector<int64_t>* batch_sizes = nullptr) {
  return [o, logit, batch_sizes](const Tensor& patches) {
    EXPECT_EQ(patches.dim(), 5);
    const int64_t b = patches.size(0), p0 = o.patch[0], p1 = o.patch[1], p2 = o.patch[2];
    if (batch_sizes) batch_sizes->push_back(b);
    const std::vector<float> in = ops::to_vector<float>(patches);
    std::vector<float> out(size_t(b * o.num_classes * p0 * p1 * p2));
    const int64_t n = p0 * p1 * p2;
    for (int64_t s = 0; s < b; ++s)
      for (int64_t c = 0; c < o.num_classes; ++c)
        for (int64_t i = 0; i < p0; ++i)
          for (int64_t j = 0; j < p1; ++j)
            for (int64_t k = 0; k < p2; ++k) {
              const int64_t local = (i * p1 + j) * p2 + k;
              out[size_t((s * o.num_classes + c) * n + local)] =
                  logit(c, in[size_t(s * n + local)], i, j, k);
            }
    return ops::to_device(Tensor::from_vector(out, {b, o.num_classes, p0, p1, p2}),
                          patches.device());
  };
}

// A float32 volume with a distinct, smooth value per voxel (never 0, unlike the padding).
Tensor coordinate_image(const Index3& size) {
  std::vector<float> v;
  for (int64_t x = 0; x < size[0]; ++x)
    for (int64_t y = 0; y < size[1]; ++y)
      for (int64_t z = 0; z < size[2]; ++z) v.push_back(1.0f + 0.37f * x + 0.61f * y + 0.23f * z);
  return Tensor::from_vector(v, {size[0], size[1], size[2]});
}

// Depends on the voxel's value and on where it sits in its patch, so overlapping windows disagree.
float mixed_logit(int64_t c, float v, int64_t i, int64_t j, int64_t k) {
  return float(std::cos(0.9 * v + 1.7 * double(c)) +
               0.8 * std::sin(0.5 * double(c + 1) * double(i + 2 * j + 3 * k)));
}

// Starts written as {stride·k < S − P} ∪ {S − P}, a different derivation from the library's.
std::vector<int64_t> brute_starts(int64_t size, int64_t patch, int64_t stride) {
  std::vector<int64_t> s;
  for (int64_t start = 0; start < size - patch; start += stride) s.push_back(start);
  s.push_back(size - patch);
  return s;
}

struct Reference {
  Index3 padded{}, before{};
  std::vector<double> prob;     // [C, X', Y', Z'] averaged
  std::vector<int64_t> label;   // [X, Y, Z] cropped, first maximum
  std::vector<double> margin;   // best minus second-best averaged probability, per label voxel
  double spread = 0;            // largest disagreement between windows on one probability
};

Reference brute_force(const Tensor& image, const SlidingWindowOptions& o, const LogitFn& logit) {
  const std::vector<float> img = ops::to_vector<float>(image);
  const Index3 size{image.size(0), image.size(1), image.size(2)};
  const int64_t C = o.num_classes;
  Reference r;
  for (int a = 0; a < 3; ++a) {
    r.padded[a] = std::max(size[a], o.patch[a]);
    r.before[a] = (r.padded[a] - size[a]) / 2;
  }
  const int64_t n = r.padded[0] * r.padded[1] * r.padded[2];
  auto padded_index = [&](int64_t x, int64_t y, int64_t z) {
    return (x * r.padded[1] + y) * r.padded[2] + z;
  };
  auto value = [&](int64_t x, int64_t y, int64_t z) {
    x -= r.before[0], y -= r.before[1], z -= r.before[2];
    if (x < 0 || y < 0 || z < 0 || x >= size[0] || y >= size[1] || z >= size[2]) return 0.0f;
    return img[size_t((x * size[1] + y) * size[2] + z)];
  };
  std::vector<double> sum(size_t(C * n), 0.0), lo(size_t(C * n), 2.0), hi(size_t(C * n), -1.0);
  std::vector<int64_t> visits(size_t(n), 0);
  for (int64_t sx : brute_starts(r.padded[0], o.patch[0], o.stride[0]))
    for (int64_t sy : brute_starts(r.padded[1], o.patch[1], o.stride[1]))
      for (int64_t sz : brute_starts(r.padded[2], o.patch[2], o.stride[2]))
        for (int64_t i = 0; i < o.patch[0]; ++i)
          for (int64_t j = 0; j < o.patch[1]; ++j)
            for (int64_t k = 0; k < o.patch[2]; ++k) {
              const int64_t v = padded_index(sx + i, sy + j, sz + k);
              const float x = value(sx + i, sy + j, sz + k);
              std::vector<double> e(static_cast<size_t>(C));
              double top = -INFINITY, total = 0;
              for (int64_t c = 0; c < C; ++c) top = std::max(top, double(logit(c, x, i, j, k)));
              for (int64_t c = 0; c < C; ++c)
                total += e[size_t(c)] = std::exp(double(logit(c, x, i, j, k)) - top);
              for (int64_t c = 0; c < C; ++c) {
                const double p = e[size_t(c)] / total;
                sum[size_t(c * n + v)] += p;
                lo[size_t(c * n + v)] = std::min(lo[size_t(c * n + v)], p);
                hi[size_t(c * n + v)] = std::max(hi[size_t(c * n + v)], p);
              }
              ++visits[size_t(v)];
            }
  r.prob.resize(size_t(C * n));
  for (int64_t c = 0; c < C; ++c)
    for (int64_t v = 0; v < n; ++v) {
      EXPECT_GT(visits[size_t(v)], 0) << "voxel " << v << " never visited";
      r.prob[size_t(c * n + v)] = sum[size_t(c * n + v)] / double(visits[size_t(v)]);
      r.spread = std::max(r.spread, hi[size_t(c * n + v)] - lo[size_t(c * n + v)]);
    }
  for (int64_t x = 0; x < size[0]; ++x)
    for (int64_t y = 0; y < size[1]; ++y)
      for (int64_t z = 0; z < size[2]; ++z) {
        const int64_t v = padded_index(x + r.before[0], y + r.before[1], z + r.before[2]);
        int64_t best = 0;
        for (int64_t c = 1; c < C; ++c)
          if (r.prob[size_t(c * n + v)] > r.prob[size_t(best * n + v)]) best = c;
        double second = -1.0;
        for (int64_t c = 0; c < C; ++c)
          if (c != best) second = std::max(second, r.prob[size_t(c * n + v)]);
        r.label.push_back(best);
        r.margin.push_back(r.prob[size_t(best * n + v)] - second);
      }
  return r;
}

// The library's result against the brute force: probabilities to float rounding, labels wherever
// the brute force's decision is not a near tie.
void expect_matches(const ssl::SlidingWindowResult& got, const Reference& want, const Tensor& image,
                    const SlidingWindowOptions& o) {
  EXPECT_EQ(got.pad_before, want.before);
  ASSERT_TRUE(got.probabilities.defined());
  EXPECT_EQ(got.probabilities.shape(),
            (Shape{o.num_classes, want.padded[0], want.padded[1], want.padded[2]}));
  EXPECT_EQ(got.probabilities.dtype(), DType::Float32);
  const std::vector<double> prob = ops::to_vector<double>(got.probabilities);
  ASSERT_EQ(prob.size(), want.prob.size());
  double worst = 0;
  for (size_t i = 0; i < prob.size(); ++i)
    worst = std::max(worst, std::abs(prob[i] - want.prob[i]));
  EXPECT_LT(worst, 1e-5);
  EXPECT_EQ(got.label.shape(), image.shape());
  EXPECT_EQ(got.label.dtype(), DType::UInt8);
  EXPECT_TRUE(got.label.device().is_cpu());
  const std::vector<int64_t> label = ops::to_vector<int64_t>(got.label);
  ASSERT_EQ(label.size(), want.label.size());
  size_t checked = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    if (want.margin[i] < 1e-4) continue;
    ++checked;
    EXPECT_EQ(label[i], want.label[i]) << "voxel " << i;
  }
  EXPECT_GT(checked, label.size() * 9 / 10);
}

TEST(SlidingWindow, WindowStartsByHand) {
  EXPECT_EQ(ssl::window_starts(128, 128, 64), (std::vector<int64_t>{0}));
  EXPECT_EQ(ssl::window_starts(160, 128, 64), (std::vector<int64_t>{0, 32}));
  EXPECT_EQ(ssl::window_starts(300, 128, 64), (std::vector<int64_t>{0, 64, 128, 172}));
  EXPECT_EQ(ssl::window_starts(192, 128, 64), (std::vector<int64_t>{0, 64}));
  EXPECT_EQ(ssl::window_starts(10, 4, 100), (std::vector<int64_t>{0, 6}));
  EXPECT_EQ(ssl::window_starts(5, 1, 1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_ERROR_MENTIONS(ssl::window_starts(100, 128, 64), "window_starts", "100", "128");
  EXPECT_ERROR_MENTIONS(ssl::window_starts(128, 128, 0), "window_starts", "stride 0");
}

// Windows at x = 0 and 2 of a 6-voxel axis; class-1 logit ln(i + 1) at local x = i gives
// P1 = (i + 1)/(i + 2): 1/2, 2/3 from the first window alone, (3/4 + 1/2)/2 = 5/8 and
// (4/5 + 2/3)/2 = 11/15 where both overlap, 3/4, 4/5 from the second alone.
TEST(SlidingWindow, AveragesOverlappingWindowsByHand) {
  SlidingWindowOptions o;
  o.patch = {4, 1, 1};
  o.stride = {2, 1, 1};
  const LogitFn logit = [](int64_t c, float, int64_t i, int64_t, int64_t) {
    return c == 1 ? float(std::log(double(i + 1))) : 0.0f;
  };
  const auto r = ssl::sliding_window_predict(Tensor::zeros({6, 1, 1}, DType::Float32),
                                             fake_predictor(o, logit), o, true);
  const std::vector<double> p1{1.0 / 2, 2.0 / 3, 5.0 / 8, 11.0 / 15, 3.0 / 4, 4.0 / 5};
  const std::vector<double> got = ops::to_vector<double>(r.probabilities);
  ASSERT_EQ(got.size(), 12u);
  for (size_t x = 0; x < 6; ++x) {
    EXPECT_NEAR(got[6 + x], p1[x], 1e-6) << "x = " << x;
    EXPECT_NEAR(got[x], 1.0 - p1[x], 1e-6) << "x = " << x;
  }
  // x = 0 is an exact tie (logits 0 and ln 1): the first class wins.
  EXPECT_EQ(ops::to_vector<int64_t>(r.label), (std::vector<int64_t>{0, 1, 1, 1, 1, 1}));
}

TEST(SlidingWindow, MatchesBruteForceWithPaddingAndOverlap) {
  struct Case {
    Index3 size, patch, stride;
  };
  // Axis 0 of the first case pads 3 (1 before, 2 after); its other axes take 3 overlapping
  // windows each. The second pads its axis 1 and overlaps windows at 0, 4, 5 along axis 0.
  const Case cases[] = {{{2, 9, 7}, {5, 4, 3}, {2, 3, 2}}, {{11, 3, 4}, {6, 6, 4}, {4, 1, 1}}};
  for (const Case& k : cases) {
    SCOPED_TRACE(shape_str({k.size[0], k.size[1], k.size[2]}));
    SlidingWindowOptions o;
    o.patch = k.patch;
    o.stride = k.stride;
    o.num_classes = 3;
    const Tensor image = coordinate_image(k.size);
    const Reference want = brute_force(image, o, mixed_logit);
    EXPECT_GT(want.spread, 0.05) << "windows agree everywhere, so averaging would go untested";
    const auto got = ssl::sliding_window_predict(image, fake_predictor(o, mixed_logit), o, true);
    expect_matches(got, want, image, o);
  }
}

TEST(SlidingWindow, PaddingOffsetsAndProbabilitiesOnlyWhenAsked) {
  SlidingWindowOptions o;
  o.patch = {5, 4, 6};
  o.stride = {1, 1, 1};
  const Tensor image = coordinate_image({2, 9, 3});
  const auto r = ssl::sliding_window_predict(image, fake_predictor(o, mixed_logit), o);
  EXPECT_FALSE(r.probabilities.defined());
  EXPECT_EQ(r.pad_before, (Index3{1, 0, 1}));  // pads 3 → 1 + 2 and 3 → 1 + 2
  EXPECT_EQ(r.label.shape(), (Shape{2, 9, 3}));
}

TEST(SlidingWindow, BatchedCallsGiveTheSameResult) {
  SlidingWindowOptions o;
  o.patch = {5, 4, 3};
  o.stride = {2, 3, 2};
  o.num_classes = 3;
  const Tensor image = coordinate_image({2, 9, 7});  // 1 · 3 · 3 = 9 windows
  std::vector<int64_t> sizes1, sizes2, sizes4;
  auto run = [&](int64_t batch, std::vector<int64_t>* sizes) {
    o.batch = batch;
    return ssl::sliding_window_predict(image, fake_predictor(o, mixed_logit, sizes), o, true);
  };
  const auto one = run(1, &sizes1), two = run(2, &sizes2), four = run(4, &sizes4);
  EXPECT_EQ(sizes1, std::vector<int64_t>(9, 1));
  EXPECT_EQ(sizes2, (std::vector<int64_t>{2, 2, 2, 2, 1}));
  EXPECT_EQ(sizes4, (std::vector<int64_t>{4, 4, 1}));
  for (const auto* r : {&two, &four}) {
    EXPECT_EQ(ops::to_vector<float>(r->probabilities), ops::to_vector<float>(one.probabilities));
    EXPECT_EQ(ops::to_vector<int64_t>(r->label), ops::to_vector<int64_t>(one.label));
  }
}

TEST(SlidingWindow, TiesGoToTheFirstMaximum) {
  SlidingWindowOptions o;
  o.patch = {3, 3, 3};
  o.stride = {1, 2, 1};
  o.num_classes = 3;
  const Tensor image = coordinate_image({5, 4, 3});
  // Classes 1 and 2 share the top logit everywhere: every voxel must say 1.
  const LogitFn top_two = [](int64_t c, float, int64_t, int64_t, int64_t) {
    return c == 0 ? 0.0f : 1.0f;
  };
  auto r = ssl::sliding_window_predict(image, fake_predictor(o, top_two), o, true);
  const std::vector<float> p = ops::to_vector<float>(r.probabilities);
  const size_t n = p.size() / 3;
  EXPECT_TRUE(std::equal(p.begin() + n, p.begin() + 2 * n, p.begin() + 2 * n));
  EXPECT_EQ(ops::to_vector<int64_t>(r.label), std::vector<int64_t>(60, 1));
  const LogitFn flat = [](int64_t, float, int64_t, int64_t, int64_t) { return 0.0f; };
  r = ssl::sliding_window_predict(image, fake_predictor(o, flat), o);
  EXPECT_EQ(ops::to_vector<int64_t>(r.label), std::vector<int64_t>(60, 0));
}

TEST(SlidingWindow, PredictorOutputShapeIsChecked) {
  SlidingWindowOptions o;
  o.patch = {4, 4, 4};
  const Tensor image = coordinate_image({4, 5, 4});
  const ssl::PatchPredictor three_classes = [](const Tensor& patches) {
    return Tensor::zeros({patches.size(0), 3, 4, 4, 4}, DType::Float32);
  };
  EXPECT_ERROR_MENTIONS(ssl::sliding_window_predict(image, three_classes, o),
                        "sliding_window_predict", "[1, 2, 4, 4, 4]", "[1, 3, 4, 4, 4]");
  const ssl::PatchPredictor wrong_patch = [](const Tensor& patches) {
    return Tensor::zeros({patches.size(0), 2, 4, 4, 2}, DType::Float32);
  };
  o.batch = 2;  // 2 windows along y: one call of 2
  EXPECT_ERROR_MENTIONS(ssl::sliding_window_predict(image, wrong_patch, o),
                        "[2, 2, 4, 4, 4]", "[2, 2, 4, 4, 2]");
}

TEST(SlidingWindow, InputsAreChecked) {
  SlidingWindowOptions o;
  o.patch = {2, 2, 2};
  o.stride = {1, 1, 1};
  const auto predictor = fake_predictor(o, mixed_logit);
  EXPECT_ERROR_MENTIONS(
      ssl::sliding_window_predict(Tensor::zeros({4, 4}, DType::Float32), predictor, o),
      "sliding_window_predict", "float32[4, 4]");
  EXPECT_ERROR_MENTIONS(
      ssl::sliding_window_predict(Tensor::zeros({4, 4, 4}, DType::Int32), predictor, o),
      "sliding_window_predict", "int32[4, 4, 4]");
  const Tensor image = coordinate_image({4, 4, 4});
  SlidingWindowOptions bad = o;
  bad.stride = {1, 0, 1};
  EXPECT_ERROR_MENTIONS(ssl::sliding_window_predict(image, predictor, bad), "stride [1, 0, 1]");
  bad = o;
  bad.patch = {2, 2, 0};
  EXPECT_ERROR_MENTIONS(ssl::sliding_window_predict(image, predictor, bad), "patch [2, 2, 0]");
  bad = o;
  bad.batch = 0;
  EXPECT_ERROR_MENTIONS(ssl::sliding_window_predict(image, predictor, bad), "batch 0");
}

TEST(SlidingWindow, CudaMatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  SlidingWindowOptions o;
  o.patch = {5, 4, 3};
  o.stride = {2, 3, 2};
  o.num_classes = 3;
  o.batch = 2;
  const Tensor image = coordinate_image({2, 9, 7});
  const auto cpu = ssl::sliding_window_predict(image, fake_predictor(o, mixed_logit), o, true);
  o.device = Device::cuda();
  const auto gpu = ssl::sliding_window_predict(image, fake_predictor(o, mixed_logit), o, true);
  EXPECT_TRUE(gpu.probabilities.device().is_cuda());
  EXPECT_TRUE(gpu.label.device().is_cpu());
  EXPECT_LT(test::relative_error(gpu.probabilities, cpu.probabilities), 1e-6);
  expect_matches(gpu, brute_force(image, o, mixed_logit), image, o);
  EXPECT_NEAR(ssl::mean_entropy(gpu.probabilities), ssl::mean_entropy(cpu.probabilities), 1e-6);
}

// Every voxel uniform over 2 classes: q = 0.5/(1 + 1e-8), H = −2·q·ln(q + 1e-8) ≈ ln 2.
TEST(MeanEntropy, UniformTwoClassesIsLn2) {
  const double q = 0.5 / (1.0 + 1e-8);
  const double want = -2.0 * q * std::log(q + 1e-8);
  EXPECT_NEAR(want, std::log(2.0), 1e-7);
  EXPECT_NEAR(ssl::mean_entropy(ops::full({2, 3, 2, 2}, 0.5, DType::Float32)), want, 1e-12);
  EXPECT_NEAR(ssl::mean_entropy(ops::full({2, 3, 2, 2}, 0.5, DType::Float64)), want, 1e-15);
  // Renormalised first: 0.2 and 0.2 become 0.5 and 0.5 (up to the 1e-8 in the denominator).
  const double q2 = 0.2 / (0.4 + 1e-8);
  EXPECT_NEAR(ssl::mean_entropy(ops::full({2, 1, 1, 4}, 0.2, DType::Float64)),
              -2.0 * q2 * std::log(q2 + 1e-8), 1e-15);
}

TEST(MeanEntropy, MeanOverVoxelsOfMixedCertainty) {
  // Voxel 0: (1, 0, 0), certain. Voxel 1: (0.2, 0.3, 0.5). Voxel 2: (0.5, 0.5, 0).
  const Tensor p = Tensor::from_vector<double>({1.0, 0.2, 0.5, 0.0, 0.3, 0.5, 0.0, 0.5, 0.0},
                                               {3, 3, 1, 1});
  const double d = 1.0 + 1e-8;
  auto h = [](double q) { return -q * std::log(q + 1e-8); };
  const double voxel0 = h(1.0 / d) + 2 * h(0.0);
  const double voxel1 = h(0.2 / d) + h(0.3 / d) + h(0.5 / d);
  const double voxel2 = 2 * h(0.5 / d) + h(0.0);
  EXPECT_NEAR(voxel0, 0.0, 1e-7);
  EXPECT_NEAR(voxel1, -(0.2 * std::log(0.2) + 0.3 * std::log(0.3) + 0.5 * std::log(0.5)), 1e-7);
  EXPECT_NEAR(ssl::mean_entropy(p), (voxel0 + voxel1 + voxel2) / 3, 1e-15);
  // The same values stored voxel-major, read through a non-contiguous [C, X, 1, 1] view.
  const Tensor q = Tensor::from_vector<double>({1.0, 0.0, 0.0, 0.2, 0.3, 0.5, 0.5, 0.5, 0.0},
                                               {3, 3})
                       .permute({1, 0})
                       .unsqueeze(2)
                       .unsqueeze(3);
  ASSERT_FALSE(q.is_contiguous());
  EXPECT_NEAR(ssl::mean_entropy(q), (voxel0 + voxel1 + voxel2) / 3, 1e-15);
}

TEST(MeanEntropy, InputsAreChecked) {
  EXPECT_ERROR_MENTIONS(ssl::mean_entropy(Tensor::zeros({2, 3, 3}, DType::Float32)),
                        "mean_entropy", "float32[2, 3, 3]");
  EXPECT_ERROR_MENTIONS(ssl::mean_entropy(Tensor::zeros({2, 1, 1, 1}, DType::Int64)),
                        "mean_entropy", "int64[2, 1, 1, 1]");
}

}  // namespace
}  // namespace semisam
