// SPEC §5 sliding-window inference: pad axes shorter than the patch symmetrically with zeros,
// visit windows at min(stride·k, S − P), average the softmax maps of all windows per voxel, take
// the argmax over classes (first maximum wins) and crop the padding away.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::ssl {

// Logits [B, C, P, P, P] for a batch of patches [B, 1, P, P, P] (on the device of the input).
using PatchPredictor = std::function<Tensor(const Tensor& patches)>;

struct SlidingWindowOptions {
  std::array<int64_t, 3> patch{128, 128, 128};
  std::array<int64_t, 3> stride{64, 64, 64};  // validation 96, pseudo-labels and testing 64
  int64_t num_classes = 2;
  int64_t batch = 1;  // windows per predictor call (the reference: 1)
  Device device = Device::cpu();
};

// Window starts along one axis of (padded) size `size` >= patch: n = ceil((size − patch)/stride)
// + 1 windows at min(stride·k, size − patch).
std::vector<int64_t> window_starts(int64_t size, int64_t patch, int64_t stride);

struct SlidingWindowResult {
  Tensor probabilities;                 // float32 [C, X', Y', Z'] averaged, on the padded volume,
                                        // on options.device; undefined unless asked for
  Tensor label;                         // uint8 [X, Y, Z] on the CPU, cropped to the input
  std::array<int64_t, 3> pad_before{};  // where the input sits inside the padded volume
  double mean_entropy = 0.0;            // SPEC §6 step 1 uncertainty; 0 unless asked for
};

// What to keep besides the label: the averaged probabilities (`predict --save_probabilities`)
// and/or the case's mean entropy (the between-rounds uncertainty, computed without them).
struct SlidingWindowOutputs {
  bool probabilities = false;
  bool mean_entropy = false;
};

// image: float32 [X, Y, Z] on any device. The accumulation, the average, the argmax and the mean
// entropy run as the fused kernels of kernels/window_accumulate.h on options.device.
SlidingWindowResult sliding_window_predict(const Tensor& image, const PatchPredictor& predictor,
                                           const SlidingWindowOptions& options,
                                           const SlidingWindowOutputs& outputs);
// Keeps the averaged probabilities only when `keep_probabilities` (validation needs neither).
SlidingWindowResult sliding_window_predict(const Tensor& image, const PatchPredictor& predictor,
                                           const SlidingWindowOptions& options,
                                           bool keep_probabilities = false);

// The plain reference the fused path is judged by (tests, benchmarks): softmax, add, divide and
// argmax as separate ops on whole volumes, the mean entropy from the materialised probabilities
// by mean_entropy. Same results, bit for bit, except the mean entropy's summation order.
SlidingWindowResult sliding_window_predict_reference(const Tensor& image,
                                                     const PatchPredictor& predictor,
                                                     const SlidingWindowOptions& options,
                                                     const SlidingWindowOutputs& outputs);

// SPEC §6 step 1 case uncertainty: P renormalised over classes (P / (Σ_c P + 1e-8)), voxel entropy
// −Σ_c P·ln(P + 1e-8), mean over every voxel of the (padded) volume. probabilities [C, X, Y, Z].
double mean_entropy(const Tensor& probabilities);

// The same voxel entropy for every voxel: float32 [X, Y, Z] on the CPU (`predict
// --save_uncertainty`); its mean in double equals mean_entropy.
Tensor voxel_entropy(const Tensor& probabilities);

}  // namespace semisam::ssl
