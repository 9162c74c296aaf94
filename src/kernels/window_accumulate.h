// The sliding window's own steps (SPEC §5, §6 step 1), fused: each window's softmax added into
// the running probability sum and visit count in one pass, then one finalize pass that divides,
// takes the argmax (first maximum wins, NaN counts as the maximum) cropped to the input's extent,
// and the case's mean voxel entropy −Σ P·ln(P + 1e-8) of P renormalised over classes, without
// materialising the averaged volume or the entropy map.
//
// The results equal the unfused composition (ops::softmax, ops::add, ops::div, ops::argmax and
// ssl::mean_entropy) on the same device: the softmax rule is shared with the softmax op, the sums
// are float32 window by window, and the voxel entropy is the reference's double formula. Only the
// mean entropy's summation order differs (fixed chunks of voxels, partial sums in double combined
// in order: the same bits for any thread count, within 1e-12 relative of the voxel-order sum).
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

using Index3 = std::array<int64_t, 3>;

// score: float32 [C, X, Y, Z], visits: float32 [X, Y, Z], logits: float32 [C, Px, Py, Pz] of one
// window whose first voxel sits at `origin` of the (padded) volume; all contiguous, one device.
// score[:, window] += softmax(logits over C); visits[window] += 1.
void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin);

struct WindowFinalizeRequest {
  Index3 crop_origin{};             // where the input sits inside the padded volume
  Index3 crop_size{};               // the input's extent
  bool keep_probabilities = false;  // write P = score / visits into `score` in place
  bool mean_entropy = false;        // compute the case's mean voxel entropy
};

struct WindowFinalizeResult {
  Tensor label;               // uint8 [crop_size] on the score's device
  double mean_entropy = 0.0;  // over every voxel of the padded volume; 0 unless requested
};

WindowFinalizeResult window_finalize(const Tensor& score, const Tensor& visits,
                                     const WindowFinalizeRequest& request);

namespace cpu {
void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin);
double window_finalize(const Tensor& score, const Tensor& visits,
                       const WindowFinalizeRequest& request, const Tensor& label);
}  // namespace cpu
namespace cuda {
void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin);
double window_finalize(const Tensor& score, const Tensor& visits,
                       const WindowFinalizeRequest& request, const Tensor& label);
}  // namespace cuda

}  // namespace semisam::ops
