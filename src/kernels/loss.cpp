// Entry points of the losses: shape checks (naming both shapes), allocation, dispatch.
#include "kernels/loss.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"
#include "kernels/norm_common.h"

namespace semisam::ops {
namespace {

Shape tail(const Shape& shape, size_t from) { return Shape(shape.begin() + from, shape.end()); }

void check_labels(const char* op, const Tensor& labels) {
  check_defined(op, labels);
  SEMISAM_CHECK(labels.dtype() == DType::UInt8 || labels.dtype() == DType::Int64, op,
                ": labels must be uint8 or int64, got ", labels.str());
}

// logits N,C,S... against labels N,S...
LossShape class_shape(const char* op, const Tensor& logits, const Tensor& labels) {
  check_floating(op, logits);
  check_labels(op, labels);
  check_same_device(op, logits, labels);
  SEMISAM_CHECK(logits.dim() >= 2 && labels.dim() == logits.dim() - 1 &&
                    labels.size(0) == logits.size(0) && tail(labels.shape(), 1) == tail(logits.shape(), 2),
                op, ": logits ", logits.str(), " and labels ", labels.str(),
                " do not match (expected logits N,C,X,... and labels N,X,...)");
  SEMISAM_CHECK(logits.size(1) > 0, op, ": no classes in ", logits.str());
  LossShape s;
  s.n = logits.size(0);
  s.c = logits.size(1);
  s.v = shape_numel(tail(logits.shape(), 2));
  return s;
}

Tensor loss_scalar(const Tensor& like) {
  return Tensor::empty({}, stat_dtype(like.dtype()), like.device());
}

Tensor prepared_grad(const char* op, const Tensor& grad, const Tensor& like) {
  check_defined(op, grad);
  check_same_device(op, grad, like);
  SEMISAM_CHECK(grad.numel() == 1, op, ": the gradient of a loss must hold one element, got ",
                grad.str());
  return contiguous(cast(grad, stat_dtype(like.dtype())));
}

void check_sums(const char* op, const Tensor& sums, const Tensor& like, const Shape& shape) {
  check_defined(op, sums);
  check_same_device(op, sums, like);
  SEMISAM_CHECK(sums.shape() == shape && sums.dtype() == stat_dtype(like.dtype()), op,
                ": saved sums ", sums.str(), " do not fit ", like.str());
}

LossShape binary_shape(const char* op, const Tensor& probs, const Tensor& labels) {
  check_floating(op, probs);
  check_labels(op, labels);
  check_same_device(op, probs, labels);
  SEMISAM_CHECK(probs.dim() >= 2 && labels.dim() == probs.dim() - 1 &&
                    tail(labels.shape(), 1) == tail(probs.shape(), 2),
                op, ": probabilities ", probs.str(), " and labels ", labels.str(),
                " do not match (expected N,C,X,... and Nm,X,...)");
  LossShape s;
  s.n = probs.size(0);
  s.c = probs.size(1);
  s.v = shape_numel(tail(probs.shape(), 2));
  s.label_n = labels.size(0);
  SEMISAM_CHECK(s.c == s.label_n || s.c == 1 || s.label_n == 1, op, ": probabilities ",
                probs.str(), " and labels ", labels.str(),
                " do not broadcast (the labels' leading axis lines up with the channels)");
  return s;
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& labels) {
  LossShape s = class_shape("cross_entropy", logits, labels);
  SEMISAM_CHECK(s.n * s.v > 0, "cross_entropy: no voxels in ", logits.str());
  Tensor xc = contiguous(logits), lc = contiguous(labels), loss = loss_scalar(logits);
  by_device("cross_entropy", logits.device(), [&] { cpu::cross_entropy(xc, lc, s, loss); },
            [&] { cuda::cross_entropy(xc, lc, s, loss); });
  return loss;
}

Tensor cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels) {
  const char* op = "cross_entropy_backward";
  LossShape s = class_shape(op, logits, labels);
  Tensor g = prepared_grad(op, grad, logits);
  Tensor xc = contiguous(logits), lc = contiguous(labels);
  Tensor d = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
  if (d.numel() == 0) return d;
  by_device(op, logits.device(), [&] { cpu::cross_entropy_backward(g, xc, lc, s, d); },
            [&] { cuda::cross_entropy_backward(g, xc, lc, s, d); });
  return d;
}

namespace {
// The fused CUDA kernels keep a voxel's class values in fixed-size local arrays; both backends
// refuse more classes so CPU and CUDA accept the same inputs.
void check_dice_classes(const char* op, const LossShape& s, const Tensor& logits) {
  SEMISAM_CHECK(s.c <= kMaxDiceClasses, op, ": ", s.c, " classes in ", logits.str(), " exceed the ",
                kMaxDiceClasses, " the fused kernel handles");
}
}  // namespace

LossResult dice_loss(const Tensor& logits, const Tensor& labels) {
  LossShape s = class_shape("dice_loss", logits, labels);
  check_dice_classes("dice_loss", s, logits);
  Tensor xc = contiguous(logits), lc = contiguous(labels);
  LossResult r{loss_scalar(logits), Tensor::empty({3, s.c}, stat_dtype(logits.dtype()), logits.device())};
  by_device("dice_loss", logits.device(), [&] { cpu::dice_loss(xc, lc, s, r.loss, r.sums); },
            [&] { cuda::dice_loss(xc, lc, s, r.loss, r.sums); });
  return r;
}

Tensor dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                          const Tensor& sums) {
  const char* op = "dice_loss_backward";
  LossShape s = class_shape(op, logits, labels);
  check_dice_classes(op, s, logits);
  check_sums(op, sums, logits, {3, s.c});
  Tensor g = prepared_grad(op, grad, logits);
  Tensor xc = contiguous(logits), lc = contiguous(labels), sc = contiguous(sums);
  Tensor d = Tensor::empty(logits.shape(), logits.dtype(), logits.device());
  if (d.numel() == 0) return d;
  by_device(op, logits.device(), [&] { cpu::dice_loss_backward(g, xc, lc, sc, s, d); },
            [&] { cuda::dice_loss_backward(g, xc, lc, sc, s, d); });
  return d;
}

LossResult binary_dice_loss(const Tensor& probs, const Tensor& labels) {
  LossShape s = binary_shape("binary_dice_loss", probs, labels);
  Tensor pc = contiguous(probs), lc = contiguous(labels);
  LossResult r{loss_scalar(probs), Tensor::empty({3}, stat_dtype(probs.dtype()), probs.device())};
  by_device("binary_dice_loss", probs.device(), [&] { cpu::binary_dice_loss(pc, lc, s, r.loss, r.sums); },
            [&] { cuda::binary_dice_loss(pc, lc, s, r.loss, r.sums); });
  return r;
}

Tensor binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                                 const Tensor& sums) {
  const char* op = "binary_dice_loss_backward";
  LossShape s = binary_shape(op, probs, labels);
  check_sums(op, sums, probs, {3});
  Tensor g = prepared_grad(op, grad, probs);
  Tensor pc = contiguous(probs), lc = contiguous(labels), sc = contiguous(sums);
  Tensor d = Tensor::empty(probs.shape(), probs.dtype(), probs.device());
  if (d.numel() == 0) return d;
  by_device(op, probs.device(), [&] { cpu::binary_dice_loss_backward(g, pc, lc, sc, s, d); },
            [&] { cuda::binary_dice_loss_backward(g, pc, lc, sc, s, d); });
  return d;
}

Tensor pair_loss(PairLoss kind, const Tensor& a, const Tensor& b) {
  const char* op = kind == PairLoss::MSE ? "mse_loss" : "l1_loss";
  check_floating(op, a);
  check_same_device(op, a, b);
  check_same_dtype(op, a, b);
  SEMISAM_CHECK(a.shape() == b.shape(), op, ": shapes ", shape_str(a.shape()), " and ",
                shape_str(b.shape()), " differ");
  SEMISAM_CHECK(a.numel() > 0, op, ": empty input ", a.str());
  Tensor ac = contiguous(a), bc = contiguous(b), loss = loss_scalar(a);
  by_device(op, a.device(), [&] { cpu::pair_loss(kind, ac, bc, loss); },
            [&] { cuda::pair_loss(kind, ac, bc, loss); });
  return loss;
}

Tensor pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b) {
  const char* op = kind == PairLoss::MSE ? "mse_loss_backward" : "l1_loss_backward";
  check_floating(op, a);
  check_same_device(op, a, b);
  check_same_dtype(op, a, b);
  SEMISAM_CHECK(a.shape() == b.shape(), op, ": shapes ", shape_str(a.shape()), " and ",
                shape_str(b.shape()), " differ");
  Tensor g = prepared_grad(op, grad, a);
  Tensor ac = contiguous(a), bc = contiguous(b);
  Tensor d = Tensor::empty(a.shape(), a.dtype(), a.device());
  if (d.numel() == 0) return d;
  by_device(op, a.device(), [&] { cpu::pair_loss_backward(kind, g, ac, bc, d); },
            [&] { cuda::pair_loss_backward(kind, g, ac, bc, d); });
  return d;
}

}  // namespace semisam::ops
