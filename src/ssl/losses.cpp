// Shared loss terms, composed from the differentiable losses of src/layers.
#include "ssl/losses.h"

#include "autograd/ops.h"
#include "layers/loss.h"
#include "layers/softmax.h"

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

}  // namespace semisam::ssl
