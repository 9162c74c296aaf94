// Differentiable losses: forward through the fused kernels, backward from the saved sums.
#include "layers/loss.h"

#include "autograd/node.h"
#include "kernels/elementwise.h"
#include "kernels/loss.h"

namespace semisam::layers {

ag::Variable cross_entropy(const ag::Variable& logits, const Tensor& labels) {
  Tensor x = logits.value();
  return ag::make_result("cross_entropy", ops::cross_entropy(x, labels), {logits},
                         [x, labels](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{ops::cross_entropy_backward(g, x, labels)};
                         });
}

ag::Variable dice_loss(const ag::Variable& logits, const Tensor& labels) {
  Tensor x = logits.value();
  ops::LossResult r = ops::dice_loss(x, labels);
  Tensor sums = r.sums;
  return ag::make_result("dice_loss", r.loss, {logits},
                         [x, labels, sums](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{ops::dice_loss_backward(g, x, labels, sums)};
                         });
}

ag::Variable binary_dice_loss(const ag::Variable& probs, const Tensor& labels) {
  Tensor p = probs.value();
  ops::LossResult r = ops::binary_dice_loss(p, labels);
  Tensor sums = r.sums;
  return ag::make_result("binary_dice_loss", r.loss, {probs},
                         [p, labels, sums](const Tensor& g, const std::vector<bool>&) {
                           return std::vector<Tensor>{
                               ops::binary_dice_loss_backward(g, p, labels, sums)};
                         });
}

namespace {

ag::Variable pair(ops::PairLoss kind, const ag::Variable& a, const ag::Variable& b) {
  Tensor va = a.value(), vb = b.value();
  return ag::make_result(kind == ops::PairLoss::MSE ? "mse_loss" : "l1_loss",
                         ops::pair_loss(kind, va, vb), {a, b},
                         [kind, va, vb](const Tensor& g, const std::vector<bool>& need) {
                           Tensor da = ops::pair_loss_backward(kind, g, va, vb);
                           return std::vector<Tensor>{need[0] ? da : Tensor(),
                                                      need[1] ? ops::neg(da) : Tensor()};
                         });
}

}  // namespace

ag::Variable mse_loss(const ag::Variable& a, const ag::Variable& b) {
  return pair(ops::PairLoss::MSE, a, b);
}
ag::Variable l1_loss(const ag::Variable& a, const ag::Variable& b) {
  return pair(ops::PairLoss::L1, a, b);
}

}  // namespace semisam::layers
