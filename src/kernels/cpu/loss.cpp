// CPU reference of the losses: direct loops over voxels, everything summed in double.
#include <cmath>
#include <vector>

#include "kernels/loss.h"
#include "kernels/loss_labels.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cpu {
namespace {

// Softmax of voxel (n, v) over the channels into p (size C).
template <typename T>
void voxel_softmax(const T* x, LossShape s, int64_t n, int64_t v, std::vector<double>& p) {
  const T* base = x + n * s.c * s.v + v;
  double mx = -INFINITY;
  for (int64_t c = 0; c < s.c; ++c) mx = std::max(mx, double(base[c * s.v]));
  double sum = 0;
  for (int64_t c = 0; c < s.c; ++c) sum += (p[size_t(c)] = std::exp(double(base[c * s.v]) - mx));
  for (int64_t c = 0; c < s.c; ++c) p[size_t(c)] /= sum;
}

template <typename L>
int64_t label_at(const L* labels, int64_t i, int64_t classes, const char* op) {
  int64_t k = int64_t(labels[i]);
  SEMISAM_CHECK(k >= 0 && k < classes, op, ": label ", k, " at voxel ", i, " outside [0, ",
                classes, ")");
  return k;
}

template <typename Fn>
void with_types(const char* op, const Tensor& x, const Tensor& labels, Fn&& fn) {
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    dispatch_labels(labels.dtype(), [&](auto label_tag) { fn(tag, label_tag); });
  });
}

template <typename S>
void store(const Tensor& t, int64_t i, double v) {
  t.data<S>()[i] = S(v);
}

}  // namespace

void cross_entropy(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss) {
  with_types("cross_entropy", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    const T* x = logits.data<T>();
    const L* lab = labels.data<L>();
    double total = 0;
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t v = 0; v < s.v; ++v) {
        const T* base = x + n * s.c * s.v + v;
        double mx = -INFINITY;
        for (int64_t c = 0; c < s.c; ++c) mx = std::max(mx, double(base[c * s.v]));
        double sum = 0;
        for (int64_t c = 0; c < s.c; ++c) sum += std::exp(double(base[c * s.v]) - mx);
        int64_t k = label_at(lab, n * s.v + v, s.c, "cross_entropy");
        total += mx + std::log(sum) - double(base[k * s.v]);
      }
    store<acc_t<T>>(loss, 0, total / double(s.n * s.v));
  });
}

void cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                            LossShape s, const Tensor& dlogits) {
  with_types("cross_entropy_backward", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    double scale = double(grad.data<acc_t<T>>()[0]) / double(s.n * s.v);
    std::vector<double> p(size_t(s.c));
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t v = 0; v < s.v; ++v) {
        voxel_softmax(logits.data<T>(), s, n, v, p);
        int64_t k = label_at(labels.data<L>(), n * s.v + v, s.c, "cross_entropy_backward");
        for (int64_t c = 0; c < s.c; ++c)
          dlogits.data<T>()[(n * s.c + c) * s.v + v] =
              T(compute_t<T>(scale * (p[size_t(c)] - (c == k ? 1.0 : 0.0))));
      }
  });
}

void dice_loss(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss,
               const Tensor& sums) {
  with_types("dice_loss", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    std::vector<double> p(size_t(s.c)), inter(size_t(s.c)), psq(size_t(s.c)), tsum(size_t(s.c));
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t v = 0; v < s.v; ++v) {
        voxel_softmax(logits.data<T>(), s, n, v, p);
        int64_t k = label_at(labels.data<L>(), n * s.v + v, s.c, "dice_loss");
        for (int64_t c = 0; c < s.c; ++c) {
          psq[size_t(c)] += p[size_t(c)] * p[size_t(c)];
          if (c == k) {
            inter[size_t(c)] += p[size_t(c)];
            tsum[size_t(c)] += 1;
          }
        }
      }
    double total = 0;
    for (int64_t c = 0; c < s.c; ++c) {
      total += 1.0 - (2 * inter[size_t(c)] + kDiceSmooth) /
                         (psq[size_t(c)] + tsum[size_t(c)] + kDiceSmooth);
      store<acc_t<T>>(sums, c, inter[size_t(c)]);
      store<acc_t<T>>(sums, s.c + c, psq[size_t(c)]);
      store<acc_t<T>>(sums, 2 * s.c + c, tsum[size_t(c)]);
    }
    store<acc_t<T>>(loss, 0, total / double(s.c));
  });
}

void dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                        const Tensor& sums, LossShape s, const Tensor& dlogits) {
  with_types("dice_loss_backward", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    using S = acc_t<T>;
    double g = double(grad.data<S>()[0]);
    const S* sm = sums.data<S>();
    std::vector<double> p(size_t(s.c)), dp(size_t(s.c));
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t v = 0; v < s.v; ++v) {
        voxel_softmax(logits.data<T>(), s, n, v, p);
        int64_t k = label_at(labels.data<L>(), n * s.v + v, s.c, "dice_loss_backward");
        // Class c's term is 1 − A/B with A = 2I + s, B = P + T + s, so
        // d/dp_c = −(2t_c·B − A·2p_c)/B², averaged over the C classes.
        double dot = 0;
        for (int64_t c = 0; c < s.c; ++c) {
          double a = 2 * double(sm[c]) + kDiceSmooth;
          double b = double(sm[s.c + c]) + double(sm[2 * s.c + c]) + kDiceSmooth;
          double t = c == k ? 1.0 : 0.0;
          dp[size_t(c)] = -g * (2 * t * b - a * 2 * p[size_t(c)]) / (b * b) / double(s.c);
          dot += dp[size_t(c)] * p[size_t(c)];
        }
        for (int64_t c = 0; c < s.c; ++c)
          dlogits.data<T>()[(n * s.c + c) * s.v + v] =
              T(compute_t<T>(p[size_t(c)] * (dp[size_t(c)] - dot)));
      }
  });
}

}  // namespace semisam::ops::cpu
