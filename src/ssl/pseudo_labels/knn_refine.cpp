// SPEC §6 step 2: numpy's linear quantile and the uncertainty-guided KNN vote that replaces the
// pseudo-labels of the most uncertain unlabelled cases between rounds.
#include "ssl/pseudo_labels/knn_refine.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/copy.h"
#include "kernels/knn_vote.h"
#include "ssl/pseudo_labels/nearest_resize.h"

namespace semisam::ssl {

double linear_quantile(std::vector<double> values, double q) {
  SEMISAM_CHECK(!values.empty(), "linear_quantile: empty list of values");
  SEMISAM_CHECK(q >= 0.0 && q <= 1.0, "linear_quantile: q must be in [0, 1], got ", q);
  std::sort(values.begin(), values.end());
  const int64_t n = int64_t(values.size());
  // numpy's steps, so that the rounding matches too: virtual index (n − 1)·q, its neighbours
  // clamped to the last value, then _lerp, which for weights ≥ 0.5 interpolates from the upper
  // value.
  const double virtual_index = double(n - 1) * q;
  if (virtual_index >= double(n - 1)) return values.back();
  const double below = std::floor(virtual_index);
  const double t = virtual_index - below;
  const double a = values[size_t(below)], b = values[size_t(below) + 1];
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

namespace {

constexpr double kNormEps = 1e-12;   // F.normalize's eps, used for the cosine similarity
constexpr double kWeightEps = 1e-8;  // below this total weight the vote is meaningless

std::vector<double> unit_feature(const RefineCase& c, int64_t dim) {
  SEMISAM_CHECK(
      c.global_feature.defined() && c.global_feature.dim() == 1 && c.global_feature.size(0) == dim,
      "knn_refine: case '", c.name, "' global feature must be [", dim, "], got ",
      c.global_feature.defined() ? c.global_feature.str() : std::string("undefined"));
  std::vector<double> v = ops::to_vector<double>(c.global_feature);
  double norm = 0;
  for (double x : v) norm += x * x;
  const double inv = 1.0 / std::max(std::sqrt(norm), kNormEps);
  for (double& x : v) x *= inv;
  return v;
}

void check_label(const RefineCase& c, int64_t num_classes) {
  SEMISAM_CHECK(c.label.defined() && c.label.dim() == 3 && c.label.dtype() == DType::UInt8 &&
                    c.label.device().is_cpu() && c.label.numel() > 0,
                "knn_refine: case '", c.name, "' label must be a non-empty uint8 [X, Y, Z] on the ",
                "CPU, got ", c.label.defined() ? c.label.str() : std::string("undefined"));
  const Tensor cpu = ops::contiguous(c.label);
  const uint8_t* p = cpu.data<uint8_t>();
  const uint8_t top = *std::max_element(p, p + cpu.numel());
  SEMISAM_CHECK(top < num_classes, "knn_refine: case '", c.name, "' label holds class ", int(top),
                " but num_classes is ", num_classes);
}

}  // namespace

Tensor knn_vote_reference(const std::vector<const Tensor*>& labels,
                          const std::vector<double>& weights, const Shape& shape,
                          int64_t num_classes) {
  std::vector<Tensor> resized;
  std::vector<const uint8_t*> source;
  for (const Tensor* l : labels) {
    resized.push_back(nearest_resize(*l, {shape[0], shape[1], shape[2]}));
    source.push_back(resized.back().data<uint8_t>());
  }
  Tensor out = Tensor::empty(shape, DType::UInt8);
  uint8_t* o = out.data<uint8_t>();
  std::vector<double> votes(static_cast<size_t>(num_classes));
  for (int64_t v = 0; v < out.numel(); ++v) {
    std::fill(votes.begin(), votes.end(), 0.0);
    for (size_t j = 0; j < source.size(); ++j) votes[source[j][v]] += weights[j];
    o[v] = uint8_t(std::max_element(votes.begin(), votes.end()) - votes.begin());
  }
  return out;
}

RefineReport knn_refine(std::vector<RefineCase>& cases, int64_t num_classes,
                        const RefineOptions& options) {
  SEMISAM_CHECK(options.k >= 1, "knn_refine: k must be at least 1, got ", options.k);
  SEMISAM_CHECK(num_classes >= 1 && num_classes <= 256,
                "knn_refine: num_classes must be in [1, 256], got ", num_classes);
  RefineReport report;
  std::vector<double> unlabelled_uncertainty;
  for (const RefineCase& c : cases)
    if (!c.labelled) unlabelled_uncertainty.push_back(c.uncertainty);
  if (unlabelled_uncertainty.empty()) {  // nothing could be refined (the reference would fail)
    report.certain = int64_t(cases.size());
    report.skipped = true;
    return report;
  }
  report.threshold = linear_quantile(unlabelled_uncertainty, options.quantile);

  std::vector<size_t> certain, uncertain;
  for (size_t i = 0; i < cases.size(); ++i)
    (cases[i].labelled || cases[i].uncertainty < report.threshold ? certain : uncertain)
        .push_back(i);
  report.certain = int64_t(certain.size());
  report.uncertain = int64_t(uncertain.size());
  if (uncertain.empty() || report.certain < options.k) {
    report.skipped = true;
    return report;
  }

  const int64_t dim =
      cases[certain[0]].global_feature.defined() ? cases[certain[0]].global_feature.numel() : 0;
  std::vector<std::vector<double>> unit(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    unit[i] = unit_feature(cases[i], dim);
    check_label(cases[i], num_classes);
  }

  for (size_t u : uncertain) {
    std::vector<double> similarity(cases.size(), 0.0);
    for (size_t j : certain)
      similarity[j] = std::inner_product(unit[u].begin(), unit[u].end(), unit[j].begin(), 0.0);
    // Top k: higher similarity first; equal similarities keep case order (stable sort).
    std::vector<size_t> order = certain;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return similarity[a] > similarity[b]; });
    order.resize(size_t(options.k));

    std::vector<double> weights;
    std::vector<const Tensor*> labels;
    double total = 0;
    for (size_t j : order) {
      weights.push_back(std::max(similarity[j], 0.0));
      labels.push_back(&cases[j].label);
      total += weights.back();
    }
    if (total < kWeightEps) {
      report.kept.push_back(cases[u].name);
      continue;
    }
    // Only certain cases vote and their labels never change, so replacing in place is safe.
    std::vector<Tensor> neighbour_labels;
    for (const Tensor* l : labels) neighbour_labels.push_back(ops::contiguous(*l));
    const Shape& shape = cases[u].label.shape();
    cases[u].label =
        ops::knn_vote(neighbour_labels, weights, {shape[0], shape[1], shape[2]}, num_classes);
    report.refined.push_back(cases[u].name);
  }
  return report;
}

}  // namespace semisam::ssl
