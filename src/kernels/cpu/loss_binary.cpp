// CPU reference of DTC's binary Dice and of the MSE / L1 losses, summed in double.
#include <cmath>

#include "kernels/loss.h"
#include "kernels/loss_binary_rule.h"
#include "kernels/loss_labels.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cpu {

void binary_dice_loss(const Tensor& probs, const Tensor& labels, LossShape s, const Tensor& loss,
                      const Tensor& sums) {
  dispatch_floating("binary_dice_loss", probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    dispatch_labels(labels.dtype(), [&](auto label_tag) {
      using L = decltype(label_tag);
      const T* p = probs.data<T>();
      const L* lab = labels.data<L>();
      double inter = 0, psq = 0, msq = 0;
      for (int64_t n = 0; n < s.n; ++n)
        for (int64_t c = 0; c < s.c; ++c)
          for (int64_t v = 0; v < s.v; ++v) {
            double pv = double(p[(n * s.c + c) * s.v + v]);
            inter += pv * binary_dice::mask_weight(lab, s, c, v);
            psq += pv * pv;
          }
      for (int64_t j = 0; j < s.label_n; ++j)
        for (int64_t v = 0; v < s.v; ++v) msq += binary_dice::mask_at(lab, j, v, s.v);
      sums.data<S>()[0] = S(inter);
      sums.data<S>()[1] = S(psq);
      sums.data<S>()[2] = S(msq);
      loss.data<S>()[0] = S(1.0 - (2 * inter + kDiceSmooth) / (psq + msq + kDiceSmooth));
    });
  });
}

void binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                               const Tensor& sums, LossShape s, const Tensor& dprobs) {
  dispatch_floating("binary_dice_loss_backward", probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    dispatch_labels(labels.dtype(), [&](auto label_tag) {
      using L = decltype(label_tag);
      const S* sm = sums.data<S>();
      double g = double(grad.data<S>()[0]);
      // loss = 1 − A/B with A = 2I + s, B = P + M + s: d/dp = −(2w·B − A·2p)/B².
      double a = 2 * double(sm[0]) + kDiceSmooth;
      double b = double(sm[1]) + double(sm[2]) + kDiceSmooth;
      const T* p = probs.data<T>();
      for (int64_t n = 0; n < s.n; ++n)
        for (int64_t c = 0; c < s.c; ++c)
          for (int64_t v = 0; v < s.v; ++v) {
            int64_t e = (n * s.c + c) * s.v + v;
            double w = binary_dice::mask_weight(labels.data<L>(), s, c, v);
            dprobs.data<T>()[e] =
                T(compute_t<T>(-g * (2 * w * b - a * 2 * double(p[e])) / (b * b)));
          }
    });
  });
}

void pair_loss(PairLoss kind, const Tensor& a, const Tensor& b, const Tensor& loss) {
  dispatch_floating("pair_loss", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    double total = 0;
    for (int64_t i = 0, n = a.numel(); i < n; ++i) {
      double d = double(pa[i]) - double(pb[i]);
      total += kind == PairLoss::MSE ? d * d : std::abs(d);
    }
    loss.data<acc_t<T>>()[0] = acc_t<T>(total / double(a.numel()));
  });
}

void pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b,
                        const Tensor& da) {
  dispatch_floating("pair_loss_backward", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    double scale = double(grad.data<acc_t<T>>()[0]) / double(a.numel());
    for (int64_t i = 0, n = a.numel(); i < n; ++i) {
      double d = double(pa[i]) - double(pb[i]);
      // L1's derivative is sign(a − b): 0 where a = b, as torch.sign gives.
      double dd = kind == PairLoss::MSE ? 2 * d : double((d > 0) - (d < 0));
      da.data<T>()[i] = T(compute_t<T>(scale * dd));
    }
  });
}

}  // namespace semisam::ops::cpu
