// CUDA cross entropy and multi-class soft Dice on logits N,C,V with class-index labels: the
// forwards read each voxel's logits once and feed the deterministic reduction of loss_reduce.cuh;
// the backwards recompute the voxel's softmax and write all C gradients.
#include "kernels/activation_functors.h"
#include "kernels/cuda/loss_reduce.cuh"
#include "kernels/loss.h"
#include "kernels/loss_labels.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cuda {
namespace {

using cudak::kLossThreads;

__device__ __forceinline__ float log_of(float x) { return ::logf(x); }
__device__ __forceinline__ double log_of(double x) { return ::log(x); }

// The label of voxel i, or -1 when outside [0, C) (the caller turns that into NaN).
template <typename L>
__device__ __forceinline__ int64_t class_of(const L* labels, int64_t i, int64_t classes) {
  int64_t k = int64_t(labels[i]);
  return (k >= 0 && k < classes) ? k : -1;
}

// Softmax of one voxel's logits (stride V) into p[0 .. C).
template <typename T, typename A>
__device__ void voxel_softmax(const T* base, LossShape s, A* p) {
  A mx = A(compute_t<T>(base[0]));
  for (int64_t c = 1; c < s.c; ++c) mx = max(mx, A(compute_t<T>(base[c * s.v])));
  A sum = A(0);
  for (int64_t c = 0; c < s.c; ++c) sum += (p[c] = act::exp_of(A(compute_t<T>(base[c * s.v])) - mx));
  A inv = A(1) / sum;
  for (int64_t c = 0; c < s.c; ++c) p[c] *= inv;
}

template <typename T, typename L>
struct CrossEntropyBody {
  const T* x;
  const L* labels;
  LossShape s;
  __device__ void operator()(int64_t i, acc_t<T>* acc) const {
    using A = acc_t<T>;
    const T* base = x + (i / s.v) * s.c * s.v + i % s.v;
    A mx = A(compute_t<T>(base[0]));
    for (int64_t c = 1; c < s.c; ++c) mx = max(mx, A(compute_t<T>(base[c * s.v])));
    A sum = A(0);
    for (int64_t c = 0; c < s.c; ++c) sum += act::exp_of(A(compute_t<T>(base[c * s.v])) - mx);
    int64_t k = class_of(labels, i, s.c);
    acc[0] += k < 0 ? A(NAN) : mx + log_of(sum) - A(compute_t<T>(base[k * s.v]));
  }
};

template <typename A>
struct MeanFinish {
  double count;
  __device__ A operator()(const A* sums) const { return A(double(sums[0]) / count); }
};

template <typename T, typename L>
__global__ void cross_entropy_backward_kernel(const acc_t<T>* grad, const T* x, const L* labels,
                                              LossShape s, T* dx) {
  using A = acc_t<T>;
  A p[kMaxDiceClasses];
  A scale = grad[0] / A(s.n * s.v);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < s.n * s.v;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t offset = (i / s.v) * s.c * s.v + i % s.v;
    int64_t k = class_of(labels, i, s.c);
    if (s.c <= kMaxDiceClasses) {
      voxel_softmax(x + offset, s, p);
      for (int64_t c = 0; c < s.c; ++c)
        dx[offset + c * s.v] = T(compute_t<T>(k < 0 ? A(NAN) : scale * (p[c] - A(c == k ? 1 : 0))));
      continue;
    }
    // Many classes (not the U-Net's): recompute the exponentials instead of keeping them.
    const T* base = x + offset;
    A mx = A(compute_t<T>(base[0]));
    for (int64_t c = 1; c < s.c; ++c) mx = max(mx, A(compute_t<T>(base[c * s.v])));
    A sum = A(0);
    for (int64_t c = 0; c < s.c; ++c) sum += act::exp_of(A(compute_t<T>(base[c * s.v])) - mx);
    for (int64_t c = 0; c < s.c; ++c) {
      A pc = act::exp_of(A(compute_t<T>(base[c * s.v])) - mx) / sum;
      dx[offset + c * s.v] = T(compute_t<T>(k < 0 ? A(NAN) : scale * (pc - A(c == k ? 1 : 0))));
    }
  }
}

template <typename T, typename L>
struct DiceBody {
  const T* x;
  const L* labels;
  LossShape s;
  __device__ void operator()(int64_t i, acc_t<T>* acc) const {
    using A = acc_t<T>;
    A p[kMaxDiceClasses];
    voxel_softmax(x + (i / s.v) * s.c * s.v + i % s.v, s, p);
    int64_t k = class_of(labels, i, s.c);
    if (k < 0) {
      acc[0] += A(NAN);
      return;
    }
    for (int64_t c = 0; c < s.c; ++c) acc[s.c + c] += p[c] * p[c];
    acc[k] += p[k];
    acc[2 * s.c + k] += A(1);
  }
};

template <typename A>
struct DiceFinish {
  int64_t classes;
  __device__ A operator()(const A* sums) const {
    double total = 0;
    for (int64_t c = 0; c < classes; ++c)
      total += 1.0 - (2.0 * double(sums[c]) + kDiceSmooth) /
                         (double(sums[classes + c]) + double(sums[2 * classes + c]) + kDiceSmooth);
    return A(total / double(classes));
  }
};

template <typename T, typename L>
__global__ void dice_backward_kernel(const acc_t<T>* grad, const acc_t<T>* sums, const T* x,
                                     const L* labels, LossShape s, T* dx) {
  using A = acc_t<T>;
  A p[kMaxDiceClasses];
  A g = grad[0];
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < s.n * s.v;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t offset = (i / s.v) * s.c * s.v + i % s.v;
    voxel_softmax(x + offset, s, p);
    int64_t k = class_of(labels, i, s.c);
    // Class c's term 1 − a/b (a = 2I + s, b = P + T + s): d/dp_c = −(2t_c·b − a·2p_c)/b² / C;
    // then through the softmax: dx_c = p_c·(dp_c − Σ_j p_j·dp_j). dp is kept in p's slot order.
    A dot = A(0);
    A dp[kMaxDiceClasses];
    for (int64_t c = 0; c < s.c; ++c) {
      A a = A(2) * sums[c] + A(kDiceSmooth);
      A b = sums[s.c + c] + sums[2 * s.c + c] + A(kDiceSmooth);
      A t = c == k ? A(1) : A(0);
      dp[c] = -g * (A(2) * t * b - a * A(2) * p[c]) / (b * b) / A(s.c);
      dot += dp[c] * p[c];
    }
    for (int64_t c = 0; c < s.c; ++c)
      dx[offset + c * s.v] = T(compute_t<T>(k < 0 ? A(NAN) : p[c] * (dp[c] - dot)));
  }
}

template <typename Fn>
void with_types(const char* op, const Tensor& x, const Tensor& labels, Fn&& fn) {
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    dispatch_labels(labels.dtype(), [&](auto label_tag) { fn(tag, label_tag); });
  });
}

}  // namespace

void cross_entropy(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss) {
  cudaStream_t stream = cudak::stream_for(logits);
  with_types("cross_entropy", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    using A = acc_t<T>;
    Tensor sums = Tensor::empty({1}, DTypeOf<A>::value, logits.device());
    cudak::run_loss_reduction<1, A>(CrossEntropyBody<T, L>{logits.data<T>(), labels.data<L>(), s},
                                    s.n * s.v, 1, MeanFinish<A>{double(s.n * s.v)}, sums.data<A>(),
                                    loss.data<A>(), logits.device(), stream);
  });
}

void cross_entropy_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                            LossShape s, const Tensor& dlogits) {
  cudaStream_t stream = cudak::stream_for(logits);
  with_types("cross_entropy_backward", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    cross_entropy_backward_kernel<T, L>
        <<<semisam::cuda::grid_for(s.n * s.v), semisam::cuda::kBlock, 0, stream>>>(
            grad.data<acc_t<T>>(), logits.data<T>(), labels.data<L>(), s, dlogits.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

void dice_loss(const Tensor& logits, const Tensor& labels, LossShape s, const Tensor& loss,
               const Tensor& sums) {
  cudaStream_t stream = cudak::stream_for(logits);
  with_types("dice_loss", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    using A = acc_t<T>;
    cudak::run_loss_reduction<3 * kMaxDiceClasses, A>(
        DiceBody<T, L>{logits.data<T>(), labels.data<L>(), s}, s.n * s.v, int(3 * s.c),
        DiceFinish<A>{s.c}, sums.data<A>(), loss.data<A>(), logits.device(), stream);
  });
}

void dice_loss_backward(const Tensor& grad, const Tensor& logits, const Tensor& labels,
                        const Tensor& sums, LossShape s, const Tensor& dlogits) {
  cudaStream_t stream = cudak::stream_for(logits);
  with_types("dice_loss_backward", logits, labels, [&](auto tag, auto label_tag) {
    using T = decltype(tag);
    using L = decltype(label_tag);
    using A = acc_t<T>;
    dice_backward_kernel<T, L>
        <<<semisam::cuda::grid_for(s.n * s.v), semisam::cuda::kBlock, 0, stream>>>(
            grad.data<A>(), sums.data<A>(), logits.data<T>(), labels.data<L>(), s,
            dlogits.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
