// The loss terms shared by the backbones of SPEC §4: supervised and pseudo-label terms, MT's
// consistency, UA-MT's uncertainty-masked consistency and DTC's dual-task pieces.
#pragma once

#include <cstdint>

#include "autograd/variable.h"

namespace semisam::ssl {

// 0.5·(CE + multi-class Dice) of logits [N, C, X, Y, Z] against integer labels [N, X, Y, Z]:
// the supervised term on ground truth and the pseudo-label term on pseudo-labels.
ag::Variable supervised_loss(const ag::Variable& logits, const Tensor& labels);
// mean((softmax(student) − softmax(teacher))²) over every element; the teacher is a constant.
ag::Variable softmax_mse(const ag::Variable& student_logits, const Tensor& teacher_logits);

// ---- UA-MT ----
// Voxel entropy −Σ_c p_c·ln(p_c + 1e-6) of mean teacher probabilities [N, C, ...] → [N, 1, ...].
Tensor predictive_entropy(const Tensor& mean_prob);
// (0.75 + 0.25·sigmoid_rampup(iteration, max_iterations))·ln 2. Reference quirk: ln 2 is the
// largest entropy of two classes, whatever num_classes is.
double uncertainty_threshold(int64_t iteration, int64_t max_iterations);
// Σ mask·(softmax(student) − softmax(teacher))² / (2·Σ mask + 1e-16) with
// mask = predictive_entropy(mean_teacher_prob) < threshold: [N, 1, ...], shared by every class
// in the numerator and counted once per voxel in the denominator (reference quirk: the 2 assumes
// two classes). The teacher logits and probabilities are constants.
ag::Variable uncertainty_masked_mse(const ag::Variable& student_logits,
                                    const Tensor& teacher_logits, const Tensor& mean_teacher_prob,
                                    double threshold);

// ---- DTC ----
// 0.5·(0.01·CE(seg_logits, labels) + dice_b(seg_probs, labels == 1)), with seg_probs =
// sigmoid(seg_logits) over every channel (reference quirk) and dice_b's broadcast of the mask over
// the channels (layers::binary_dice_loss). The seg_loss of the labelled part and the pseudo term.
ag::Variable dtc_segmentation_loss(const ag::Variable& seg_logits, const ag::Variable& seg_probs,
                                   const Tensor& labels);
// sigmoid(−1500·sdf): the segmentation the SDF head implies (1 inside, 0 outside).
ag::Variable dtc_distance_mask(const ag::Variable& sdf);
// The normalised signed distance map of labels == 1, per sample of [N, X, Y, Z], as float32 on the
// labels' device (eval::signed_distance_map: negative inside, 0 on the inner boundary, 0 for an
// empty sample).
Tensor dtc_sdf_target(const Tensor& labels);

}  // namespace semisam::ssl
