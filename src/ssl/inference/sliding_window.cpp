// SPEC §5 sliding-window inference: window placement, softmax accumulation on the device, visit
// averaging, argmax and the crop back to the input's extent; the fused path (kernels/
// window_accumulate.h) and the unfused reference it is judged by.
#include "ssl/inference/sliding_window.h"

#include <algorithm>

#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "kernels/shape_ops.h"
#include "kernels/softmax.h"
#include "kernels/window_accumulate.h"

namespace semisam::ssl {

std::vector<int64_t> window_starts(int64_t size, int64_t patch, int64_t stride) {
  SEMISAM_CHECK(patch >= 1 && stride >= 1, "window_starts: patch ", patch, " and stride ", stride,
                " must be at least 1");
  SEMISAM_CHECK(size >= patch, "window_starts: axis of size ", size, " is shorter than the patch ",
                patch, " (pad it first)");
  const int64_t span = size - patch;
  const int64_t n = (span + stride - 1) / stride + 1;
  std::vector<int64_t> starts(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) starts[size_t(k)] = std::min(stride * k, span);
  return starts;
}

namespace {

using Index3 = std::array<int64_t, 3>;

void check_options(const Tensor& image, const SlidingWindowOptions& o) {
  SEMISAM_CHECK(image.defined(), "sliding_window_predict: image is undefined");
  SEMISAM_CHECK(image.dim() == 3 && image.dtype() == DType::Float32,
                "sliding_window_predict: image must be a float32 [X, Y, Z] volume, got ",
                image.str());
  for (int64_t a = 0; a < 3; ++a) {
    SEMISAM_CHECK(image.size(a) >= 1, "sliding_window_predict: image ", image.str(),
                  " has an empty axis");
    SEMISAM_CHECK(o.patch[a] >= 1 && o.stride[a] >= 1, "sliding_window_predict: patch ",
                  shape_str({o.patch[0], o.patch[1], o.patch[2]}), " and stride ",
                  shape_str({o.stride[0], o.stride[1], o.stride[2]}), " must be at least 1");
  }
  // Labels are stored as uint8.
  SEMISAM_CHECK(o.num_classes >= 1 && o.num_classes <= 256, "sliding_window_predict: num_classes ",
                o.num_classes, " must lie in [1, 256]");
  SEMISAM_CHECK(o.batch >= 1, "sliding_window_predict: batch ", o.batch, " must be at least 1");
}

// Float32 logits [B, C, P, P, P] of the predictor for a batch of patches, on options.device,
// checked against the contract.
Tensor predict_logits(const PatchPredictor& predictor, const Tensor& patches,
                      const SlidingWindowOptions& o) {
  const Shape expected{patches.size(0), o.num_classes, o.patch[0], o.patch[1], o.patch[2]};
  Tensor logits = predictor(patches);
  SEMISAM_CHECK(logits.defined(), "sliding_window_predict: predictor returned an undefined tensor",
                " for patches ", patches.str());
  SEMISAM_CHECK(logits.shape() == expected, "sliding_window_predict: predictor output must be ",
                shape_str(expected), " [B, num_classes, P, P, P] for patches ",
                shape_str(patches.shape()), ", got ", shape_str(logits.shape()));
  SEMISAM_CHECK(is_floating(logits.dtype()), "sliding_window_predict: predictor output ",
                logits.str(), " is not floating point");
  return ops::contiguous(ops::to_device(ops::cast(logits, DType::Float32), o.device));
}

// visits(x, y, z) = c_x(x)·c_y(y)·c_z(z), c_a counting the windows along axis a that cover an
// index; built as a [1, X', Y', Z'] tensor so one division matches the reference's score / count.
Tensor visit_counts(const std::array<std::vector<int64_t>, 3>& starts, const Index3& padded,
                    const SlidingWindowOptions& o) {
  Tensor count;
  for (int64_t a = 0; a < 3; ++a) {
    std::vector<float> c(size_t(padded[a]), 0.0f);
    for (int64_t s : starts[a])
      for (int64_t i = s; i < s + o.patch[a]; ++i) c[size_t(i)] += 1.0f;
    Shape shape{1, 1, 1, 1};
    shape[size_t(a) + 1] = padded[a];
    Tensor axis = ops::to_device(Tensor::from_vector(c, shape), o.device);
    count = count.defined() ? ops::mul(count, axis) : axis;
  }
  return count;
}

// Where the windows go: padding, per-axis starts and the windows in the reference's order.
struct WindowPlan {
  Index3 size{}, padded{};
  std::vector<std::pair<int64_t, int64_t>> pads = std::vector<std::pair<int64_t, int64_t>>(3);
  std::array<std::vector<int64_t>, 3> starts;
  std::vector<Index3> windows;  // x outermost, z innermost
  Index3 pad_before{};
};

WindowPlan plan_windows(const Tensor& image, const SlidingWindowOptions& o) {
  WindowPlan plan;
  for (int64_t a = 0; a < 3; ++a) {
    plan.size[a] = image.size(a);
    const int64_t p = std::max<int64_t>(o.patch[a] - plan.size[a], 0);
    plan.pads[size_t(a)] = {p / 2, p - p / 2};
    plan.pad_before[a] = p / 2;
    plan.padded[a] = plan.size[a] + p;
    plan.starts[a] = window_starts(plan.padded[a], o.patch[a], o.stride[a]);
  }
  for (int64_t x : plan.starts[0])
    for (int64_t y : plan.starts[1])
      for (int64_t z : plan.starts[2]) plan.windows.push_back({x, y, z});
  return plan;
}

// Runs the predictor over every window, `o.batch` at a time, and hands each window's logits
// [C, P, P, P] to `accumulate` in window order (so float32 sums do not depend on `batch`).
template <typename Accumulate>
void visit_windows(const Tensor& image, const PatchPredictor& predictor,
                   const SlidingWindowOptions& o, const WindowPlan& plan, Accumulate&& accumulate) {
  const Tensor volume = ops::pad(ops::to_device(image, o.device), plan.pads, 0.0);
  const std::vector<Index3>& windows = plan.windows;
  for (size_t first = 0; first < windows.size(); first += size_t(o.batch)) {
    const size_t last = std::min(windows.size(), first + size_t(o.batch));
    std::vector<Tensor> parts;
    for (size_t i = first; i < last; ++i) {
      Tensor r = volume;
      for (int64_t a = 0; a < 3; ++a) r = r.narrow(a, windows[i][a], o.patch[a]);
      parts.push_back(r.unsqueeze(0).unsqueeze(0));
    }
    const Tensor logits = predict_logits(predictor, ops::concat(parts, 0), o);
    for (size_t i = first; i < last; ++i) accumulate(logits[int64_t(i - first)], windows[i]);
  }
}

// The checked options' window plan; both forms of the sliding window start here.
WindowPlan checked_plan(const Tensor& image, const SlidingWindowOptions& o) {
  check_options(image, o);
  return plan_windows(image, o);
}

// The running class sums over the padded volume, zeroed.
Tensor class_sums(const WindowPlan& plan, const SlidingWindowOptions& o) {
  const Index3& p = plan.padded;
  return Tensor::zeros({o.num_classes, p[0], p[1], p[2]}, DType::Float32, o.device);
}

}  // namespace

SlidingWindowResult sliding_window_predict(const Tensor& image, const PatchPredictor& predictor,
                                           const SlidingWindowOptions& options,
                                           const SlidingWindowOutputs& outputs) {
  const SlidingWindowOptions& o = options;
  const WindowPlan plan = checked_plan(image, o);
  SlidingWindowResult result;
  result.pad_before = plan.pad_before;
  const Index3& padded = plan.padded;
  Tensor score = class_sums(plan, o);
  Tensor visits = Tensor::zeros({padded[0], padded[1], padded[2]}, DType::Float32, o.device);
  visit_windows(image, predictor, o, plan, [&](const Tensor& logits, const Index3& w) {
    ops::window_accumulate(score, visits, logits, w);
  });
  ops::WindowFinalizeRequest request;
  request.crop_origin = plan.pad_before;
  request.crop_size = plan.size;
  request.keep_probabilities = outputs.probabilities;
  request.mean_entropy = outputs.mean_entropy;
  ops::WindowFinalizeResult finalized = ops::window_finalize(score, visits, request);
  result.label = ops::to_device(finalized.label, Device::cpu());
  result.mean_entropy = finalized.mean_entropy;
  if (outputs.probabilities) result.probabilities = score;  // divided in place
  return result;
}

SlidingWindowResult sliding_window_predict(const Tensor& image, const PatchPredictor& predictor,
                                           const SlidingWindowOptions& options,
                                           bool keep_probabilities) {
  SlidingWindowOutputs outputs;
  outputs.probabilities = keep_probabilities;
  return sliding_window_predict(image, predictor, options, outputs);
}

SlidingWindowResult sliding_window_predict_reference(const Tensor& image,
                                                     const PatchPredictor& predictor,
                                                     const SlidingWindowOptions& options,
                                                     const SlidingWindowOutputs& outputs) {
  const SlidingWindowOptions& o = options;
  const WindowPlan plan = checked_plan(image, o);
  SlidingWindowResult result;
  result.pad_before = plan.pad_before;
  const Index3& padded = plan.padded;
  Tensor score = class_sums(plan, o);
  visit_windows(image, predictor, o, plan, [&](const Tensor& logits, const Index3& w) {
    Tensor target = score;
    for (int64_t a = 0; a < 3; ++a) target = target.narrow(a + 1, w[a], o.patch[a]);
    ops::copy_(target, ops::add(target, ops::softmax(logits, 0)));
  });
  const Tensor averaged = ops::div(score, visit_counts(plan.starts, padded, o));
  Tensor label = ops::argmax(averaged, 0);
  for (int64_t a = 0; a < 3; ++a) label = label.narrow(a, plan.pad_before[a], plan.size[a]);
  result.label = ops::to_device(ops::cast(label, DType::UInt8), Device::cpu());
  if (outputs.probabilities) result.probabilities = averaged;
  if (outputs.mean_entropy) result.mean_entropy = mean_entropy(averaged);
  return result;
}

}  // namespace semisam::ssl
