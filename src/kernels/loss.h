// The training losses of SPEC §4, fused: cross entropy with class-index targets, multi-class soft
// Dice on softmax probabilities, the DTC binary Dice with its broadcast quirk, MSE and L1. Each
// forward returns a 0-d loss (float32, or float64 for double inputs) and, where the backward needs
// them, the global sums; backwards take the incoming 0-d gradient as a tensor so no host sync is
// needed. Sums are deterministic: block partials, then a fixed-order final reduction.
#pragma once

#include "tensor/tensor.h"

namespace semisam::ops {

// Σ over all voxels and samples; smoothing of the Dice ratios.
constexpr double kDiceSmooth = 1e-5;

struct LossResult {
  Tensor loss;  // 0-d
  Tensor sums;  // what the backward needs (Dice only): see each op
};

// logits N,C,spatial... (floating), labels N,spatial... (uint8 or int64, values in [0, C); on
// CUDA an out-of-range label makes the loss NaN). Mean over the N·spatial voxels of
// logsumexp(logits) − logits[label].
Tensor cross_entropy(const Tensor& logits, const Tensor& labels);
Tensor cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels);

// Mean over classes c (background included) of 1 − (2·Σp_c·t_c + s)/(Σp_c² + Σt_c² + s) with
// p = softmax over channels, t one-hot of labels, sums over the whole batch, s = kDiceSmooth.
// sums = [3, C]: Σp·t, Σp², Σt per class.
LossResult dice_loss(const Tensor& logits, const Tensor& labels);
Tensor dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                          const Tensor& sums);

// DTC's dice_b(p, m) = 1 − (2·Σp·m + s)/(Σp² + Σm² + s) with m = (labels == 1), reproducing
// PyTorch broadcasting of p [N, C, S...] against m [Nm, S...]: m's leading axis lines up with
// p's channel axis (so with Nm = 1 the mask is shared by every channel, and with Nm = C sample k's
// mask multiplies channel k); Σm² counts m's own elements once. Needs C = Nm, C = 1 or Nm = 1.
// sums = [3]: Σp·m (broadcast), Σp², Σm².
LossResult binary_dice_loss(const Tensor& probs, const Tensor& labels);
Tensor binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                                 const Tensor& sums);

// mean((a − b)²) and mean(|a − b|) over equal shapes; the backward gives d/da (d/db is its
// negative).
enum class PairLoss { MSE, L1 };
Tensor pair_loss(PairLoss kind, const Tensor& a, const Tensor& b);
Tensor pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b);
inline Tensor mse_loss(const Tensor& a, const Tensor& b) { return pair_loss(PairLoss::MSE, a, b); }
inline Tensor l1_loss(const Tensor& a, const Tensor& b) { return pair_loss(PairLoss::L1, a, b); }

// Backends: contiguous inputs; `grad` a one-element tensor of the loss dtype on the same device.
// Channel-first tensors are seen as [N, C, V] with V the spatial volume.
struct LossShape {
  int64_t n = 1, c = 1, v = 1;
  int64_t label_n = 1;  // binary Dice: the mask's leading size Nm
};
namespace cpu {
void cross_entropy(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss);
void cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                            LossShape s, const Tensor& dlogits);
void dice_loss(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss,
               const Tensor& sums);
void dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                        const Tensor& sums, LossShape s, const Tensor& dlogits);
void binary_dice_loss(const Tensor& probs, const Tensor& labels, LossShape s, const Tensor& loss,
                      const Tensor& sums);
void binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                               const Tensor& sums, LossShape s, const Tensor& dprobs);
void pair_loss(PairLoss kind, const Tensor& a, const Tensor& b, const Tensor& loss);
void pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b,
                        const Tensor& da);
}  // namespace cpu
namespace cuda {
void cross_entropy(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss);
void cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                            LossShape s, const Tensor& dlogits);
void dice_loss(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss,
               const Tensor& sums);
void dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                        const Tensor& sums, LossShape s, const Tensor& dlogits);
void binary_dice_loss(const Tensor& probs, const Tensor& labels, LossShape s, const Tensor& loss,
                      const Tensor& sums);
void binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                               const Tensor& sums, LossShape s, const Tensor& dprobs);
void pair_loss(PairLoss kind, const Tensor& a, const Tensor& b, const Tensor& loss);
void pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b,
                        const Tensor& da);
}  // namespace cuda

// Classes the fused Dice kernels handle (their per-thread sums live in registers).
constexpr int64_t kMaxDiceClasses = 16;

}  // namespace semisam::ops
