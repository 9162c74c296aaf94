// Shared loss terms, composed from the differentiable losses of src/layers.
#include "ssl/training/losses.h"

#include <cmath>

#include "autograd/ops.h"
#include "eval/signed_distance.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "layers/activation.h"
#include "layers/loss.h"
#include "layers/softmax.h"
#include "ssl/training/schedules.h"

namespace semisam::ssl {

ag::Variable supervised_loss(const ag::Variable& logits, const Tensor& labels) {
  return ag::mul(ag::add(layers::cross_entropy(logits, labels), layers::dice_loss(logits, labels)),
                 0.5);
}

ag::Variable softmax_mse(const ag::Variable& student_logits, const Tensor& teacher_logits) {
  ag::Variable teacher_prob;
  {
    ag::NoGradGuard no_grad;
    teacher_prob = layers::softmax(ag::Variable(teacher_logits), 1);
  }
  return layers::mse_loss(layers::softmax(student_logits, 1), teacher_prob);
}

Tensor predictive_entropy(const Tensor& mean_prob) {
  SEMISAM_CHECK(mean_prob.dim() >= 2, "predictive_entropy: probabilities must be [N, C, ...], got ",
                mean_prob.str());
  Tensor plogp = ops::mul(mean_prob, ops::log(ops::add(mean_prob, 1e-6)));
  return ops::neg(ops::sum(plogp, {1}, /*keepdim=*/true));
}

double uncertainty_threshold(int64_t iteration, int64_t max_iterations) {
  return (0.75 + 0.25 * sigmoid_rampup(double(iteration), double(max_iterations))) * std::log(2.0);
}

ag::Variable uncertainty_masked_mse(const ag::Variable& student_logits,
                                    const Tensor& teacher_logits, const Tensor& mean_teacher_prob,
                                    double threshold) {
  SEMISAM_CHECK(student_logits.shape() == teacher_logits.shape() &&
                    student_logits.shape() == mean_teacher_prob.shape(),
                "uncertainty_masked_mse: student logits ", student_logits.value().str(),
                ", teacher logits ", teacher_logits.str(), " and mean teacher probabilities ",
                mean_teacher_prob.str(), " must have one shape [N, C, ...]");
  Tensor mask, denominator;
  ag::Variable teacher_prob;
  {
    ag::NoGradGuard no_grad;
    teacher_prob = layers::softmax(ag::Variable(teacher_logits), 1);
    mask = ops::cast(
        ops::compare_scalar(ops::CompareOp::Lt, predictive_entropy(mean_teacher_prob), threshold),
        student_logits.dtype());
    denominator = ops::add(ops::mul(ops::sum(mask), 2.0), 1e-16);
  }
  ag::Variable squared = ag::square(ag::sub(layers::softmax(student_logits, 1), teacher_prob));
  ag::Variable masked_sum = ag::sum(ag::mul(squared, ag::Variable(mask)));
  return ag::div(masked_sum, ag::Variable(denominator));
}

ag::Variable dtc_segmentation_loss(const ag::Variable& seg_logits, const ag::Variable& seg_probs,
                                   const Tensor& labels) {
  ag::Variable ce = layers::cross_entropy(seg_logits, labels);
  ag::Variable dice = layers::binary_dice_loss(seg_probs, labels);
  return ag::mul(ag::add(ag::mul(ce, 0.01), dice), 0.5);
}

ag::Variable dtc_distance_mask(const ag::Variable& sdf) {
  return layers::sigmoid(ag::mul(sdf, -1500.0));
}

Tensor dtc_sdf_target(const Tensor& labels) {
  SEMISAM_CHECK(labels.dim() == 4, "dtc_sdf_target: labels must be [N, X, Y, Z], got ",
                labels.str());
  Tensor foreground = ops::contiguous(ops::compare_scalar(ops::CompareOp::Eq, labels, 1.0));
  return eval::signed_distance_map(foreground, DType::Float32);
}

}  // namespace semisam::ssl
