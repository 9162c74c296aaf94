// The loss pieces of UA-MT and DTC (ssl/losses.h) on hand-made tensors, against straightforward
// loops written here from SPEC §4's formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autograd/variable.h"
#include "kernels/copy.h"
#include "ssl/training/losses.h"
#include "ssl/training/schedules.h"

namespace semisam {
namespace {

// Softmax over the two channels of voxel v of a [1, 2, 1, 1, V] tensor held as a flat vector.
std::vector<double> softmax2(const std::vector<double>& x, int v, int volume) {
  double a = x[size_t(v)], b = x[size_t(volume + v)];
  double m = std::max(a, b), ea = std::exp(a - m), eb = std::exp(b - m);
  return {ea / (ea + eb), eb / (ea + eb)};
}

TEST(UncertaintyLoss, EntropyOfTheMeanProbabilities) {
  Tensor p = Tensor::from_vector<double>({0.5, 0.9, 1.0, 0.5, 0.1, 0.0}, {1, 2, 1, 1, 3});
  std::vector<double> u = ops::to_vector<double>(ssl::predictive_entropy(p));
  ASSERT_EQ(ssl::predictive_entropy(p).shape(), (Shape{1, 1, 1, 1, 3}));
  auto h = [](double a, double b) { return -(a * std::log(a + 1e-6) + b * std::log(b + 1e-6)); };
  EXPECT_NEAR(u[0], h(0.5, 0.5), 1e-12);
  EXPECT_NEAR(u[1], h(0.9, 0.1), 1e-12);
  EXPECT_NEAR(u[2], h(1.0, 0.0), 1e-12);  // the 1e-6 keeps p = 0 finite
}

TEST(UncertaintyLoss, ThresholdRampsFromThreeQuartersToAllOfLn2) {
  EXPECT_NEAR(ssl::uncertainty_threshold(0, 100), (0.75 + 0.25 * std::exp(-5.0)) * std::log(2.0),
              1e-15);
  EXPECT_NEAR(ssl::uncertainty_threshold(50, 100), (0.75 + 0.25 * std::exp(-1.25)) * std::log(2.0),
              1e-15);
  EXPECT_NEAR(ssl::uncertainty_threshold(100, 100), std::log(2.0), 1e-15);
  EXPECT_NEAR(ssl::uncertainty_threshold(150, 100), std::log(2.0), 1e-15);
}

TEST(UncertaintyLoss, MaskedMseCountsOnlyCertainVoxels) {
  // Three voxels: the first uncertain (entropy ≈ ln 2), the other two certain under 0.6.
  const std::vector<double> s{0.3, -1.2, 2.0, -0.4, 0.7, 0.1};
  const std::vector<double> t{1.0, 0.2, -0.5, 0.0, 0.9, 1.5};
  const std::vector<double> mean{0.5, 0.9, 0.99, 0.5, 0.1, 0.01};
  const double threshold = 0.6;
  ag::Variable student(Tensor::from_vector<double>(s, {1, 2, 1, 1, 3}), /*requires_grad=*/true);
  Tensor teacher = Tensor::from_vector<double>(t, {1, 2, 1, 1, 3});
  Tensor mean_prob = Tensor::from_vector<double>(mean, {1, 2, 1, 1, 3});
  ag::Variable loss = ssl::uncertainty_masked_mse(student, teacher, mean_prob, threshold);

  double numerator = 0;
  int certain = 0;
  for (int v = 0; v < 3; ++v) {
    double a = mean[size_t(v)], b = mean[size_t(3 + v)];
    if (-(a * std::log(a + 1e-6) + b * std::log(b + 1e-6)) >= threshold) continue;
    ++certain;
    std::vector<double> ps = softmax2(s, v, 3), pt = softmax2(t, v, 3);
    numerator += (ps[0] - pt[0]) * (ps[0] - pt[0]) + (ps[1] - pt[1]) * (ps[1] - pt[1]);
  }
  ASSERT_EQ(certain, 2);
  EXPECT_NEAR(ops::item(loss.value()), numerator / (2.0 * certain + 1e-16), 1e-14);

  // The uncertain voxel gets no gradient; a certain one gets its finite-difference slope.
  loss.backward();
  std::vector<double> grad = ops::to_vector<double>(student.grad());
  EXPECT_EQ(grad[0], 0.0);
  EXPECT_EQ(grad[3], 0.0);
  const double h = 1e-6;
  for (int i : {1, 5}) {
    std::vector<double> up = s, down = s;
    up[size_t(i)] += h;
    down[size_t(i)] -= h;
    auto value = [&](const std::vector<double>& x) {
      return ops::item(
          ssl::uncertainty_masked_mse(ag::Variable(Tensor::from_vector<double>(x, {1, 2, 1, 1, 3})),
                                      teacher, mean_prob, threshold)
              .value());
    };
    EXPECT_NEAR(grad[size_t(i)], (value(up) - value(down)) / (2 * h), 1e-7) << "element " << i;
  }
}

TEST(UncertaintyLoss, NoCertainVoxelGivesZeroNotNaN) {
  Tensor s = Tensor::from_vector<float>({1.f, 2.f}, {1, 2, 1, 1, 1});
  Tensor mean = Tensor::from_vector<float>({0.5f, 0.5f}, {1, 2, 1, 1, 1});
  EXPECT_EQ(
      ops::item(ssl::uncertainty_masked_mse(ag::Variable(s), ops::clone(s), mean, 0.5).value()),
      0.0);
}

// dice_b(p, m) of SPEC §4 with PyTorch's broadcast of m [Nm, V] against p [N, C, V]: m's leading
// axis meets p's channels; Σm² counts m's own elements.
double reference_dice_b(const std::vector<double>& p, int n, int c, int volume,
                        const std::vector<int>& labels, int label_n) {
  double pm = 0, pp = 0, mm = 0;
  for (int j = 0; j < label_n; ++j)
    for (int v = 0; v < volume; ++v) mm += labels[size_t(j * volume + v)] == 1 ? 1.0 : 0.0;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < c; ++k)
      for (int v = 0; v < volume; ++v) {
        double pv = p[size_t((i * c + k) * volume + v)];
        int j = label_n == 1 ? 0 : k;
        pm += pv * (labels[size_t(j * volume + v)] == 1 ? 1.0 : 0.0);
        pp += pv * pv;
      }
  return 1.0 - (2.0 * pm + 1e-5) / (pp + mm + 1e-5);
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST(DtcLoss, SegmentationLossIsCeAndBroadcastBinaryDice) {
  // One sample, two channels, four voxels; label 2 is neither background nor the Dice mask.
  const std::vector<double> logits{0.4, -1.0, 2.2, 0.1, -0.3, 0.8, -1.5, 0.6};
  const std::vector<int> labels{0, 1, 1, 0};
  std::vector<double> probs;
  for (double x : logits) probs.push_back(sigmoid(x));
  ag::Variable seg(Tensor::from_vector<double>(logits, {1, 2, 1, 1, 4}));
  ag::Variable prob(Tensor::from_vector<double>(probs, {1, 2, 1, 1, 4}));
  Tensor lab = Tensor::from_vector<uint8_t>({0, 1, 1, 0}, {1, 1, 1, 4});

  double ce = 0;
  for (int v = 0; v < 4; ++v) {
    double a = logits[size_t(v)], b = logits[size_t(4 + v)];
    double lse =
        std::max(a, b) + std::log(std::exp(a - std::max(a, b)) + std::exp(b - std::max(a, b)));
    ce += lse - (labels[size_t(v)] == 1 ? b : a);
  }
  ce /= 4;
  const double expected = 0.5 * (0.01 * ce + reference_dice_b(probs, 1, 2, 4, labels, 1));
  EXPECT_NEAR(ops::item(ssl::dtc_segmentation_loss(seg, prob, lab).value()), expected, 1e-12);
}

TEST(DtcLoss, BinaryDiceBroadcastsTheSamplesMasksOverChannels) {
  // Two labelled samples and two channels: PyTorch pairs sample k's mask with channel k of every
  // sample (the reference quirk), not sample n's mask with sample n.
  const std::vector<double> logits{0.2, -0.7, 1.1,  0.5, -0.2, 0.9,  0.3,  -1.4,
                                   1.6, 0.0,  -0.8, 0.4, 0.7,  -0.5, -1.1, 2.0};
  const std::vector<int> labels{1, 1, 0, 0, 0, 1, 1, 1};
  std::vector<double> probs;
  for (double x : logits) probs.push_back(sigmoid(x));
  ag::Variable seg(Tensor::from_vector<double>(logits, {2, 2, 1, 1, 4}));
  ag::Variable prob(Tensor::from_vector<double>(probs, {2, 2, 1, 1, 4}));
  Tensor lab = Tensor::from_vector<uint8_t>({1, 1, 0, 0, 0, 1, 1, 1}, {2, 1, 1, 4});
  double ce = 0;
  for (int n = 0; n < 2; ++n)
    for (int v = 0; v < 4; ++v) {
      double a = logits[size_t(n * 8 + v)], b = logits[size_t(n * 8 + 4 + v)];
      double lse = std::log(std::exp(a) + std::exp(b));
      ce += lse - (labels[size_t(n * 4 + v)] == 1 ? b : a);
    }
  ce /= 8;
  const double expected = 0.5 * (0.01 * ce + reference_dice_b(probs, 2, 2, 4, labels, 2));
  EXPECT_NEAR(ops::item(ssl::dtc_segmentation_loss(seg, prob, lab).value()), expected, 1e-12);
}

TEST(DtcLoss, DistanceMaskIsASteepSigmoidOfMinusTheSdf) {
  Tensor sdf = Tensor::from_vector<double>({-0.01, 0.0, 0.002, 0.5}, {1, 1, 1, 1, 4});
  std::vector<double> m = ops::to_vector<double>(ssl::dtc_distance_mask(ag::Variable(sdf)).value());
  EXPECT_NEAR(m[0], sigmoid(15.0), 1e-12);
  EXPECT_NEAR(m[1], 0.5, 1e-12);
  EXPECT_NEAR(m[2], sigmoid(-3.0), 1e-12);
  EXPECT_NEAR(m[3], 0.0, 1e-12);  // sigmoid(−750) underflows to 0, not NaN
}

TEST(DtcLoss, SdfTargetOfARowAndOfAnEmptySample) {
  // Sample 0 along z: 0 1 1 1 0 (label 2 elsewhere would not count: only label 1 is foreground).
  // posdis (to background) 0 1 2 1 0, negdis (to foreground) 1 0 0 0 1; z = 1 and 3 are the
  // inner boundary → 0; normalised: negdis/(1 + 1e-8) − posdis/(2 + 1e-8).
  Tensor labels = Tensor::from_vector<uint8_t>({2, 1, 1, 1, 0, 0, 0, 0, 0, 0}, {2, 1, 1, 5});
  std::vector<float> sdf = ops::to_vector<float>(ssl::dtc_sdf_target(labels));
  const double one = 1.0 / (1.0 + 1e-8), minus_one = -2.0 / (2.0 + 1e-8);
  const std::vector<double> expected{one, 0.0, minus_one, 0.0, one, 0, 0, 0, 0, 0};
  ASSERT_EQ(sdf.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(sdf[i], float(expected[i])) << i;
}

}  // namespace
}  // namespace semisam
