// Differentiable training losses of SPEC §4 (fused kernels of kernels/loss.h). Each returns a 0-d
// loss: float32, or float64 for double inputs, whatever the input precision. Labels are plain
// tensors (uint8 or int64), never differentiated.
#pragma once

#include "autograd/variable.h"

namespace semisam::layers {

// Mean over voxels of −log softmax(logits)[label]; logits N,C,X,... and labels N,X,...
ag::Variable cross_entropy(const ag::Variable& logits, const Tensor& labels);
// Multi-class soft Dice on softmax(logits) against one-hot labels, mean over classes incl.
// background, smooth 1e-5, sums over the whole batch.
ag::Variable dice_loss(const ag::Variable& logits, const Tensor& labels);
// DTC's dice_b(probs, labels == 1) with PyTorch's broadcasting (see ops::binary_dice_loss).
ag::Variable binary_dice_loss(const ag::Variable& probs, const Tensor& labels);
// mean((a − b)²) and mean(|a − b|), both inputs differentiable.
ag::Variable mse_loss(const ag::Variable& a, const ag::Variable& b);
ag::Variable l1_loss(const ag::Variable& a, const ag::Variable& b);

}  // namespace semisam::layers
