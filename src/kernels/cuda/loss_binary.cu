// CUDA binary Dice (DTC, with its broadcast rule) and MSE / L1: forwards through the
// deterministic reduction of loss_reduce.cuh, backwards elementwise.
#include "kernels/cuda/loss_reduce.cuh"
#include "kernels/loss.h"
#include "kernels/loss_binary_rule.h"
#include "kernels/loss_labels.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cuda {
namespace {

// Positions cover both p's N·C·V elements (Σp·m, Σp²) and the mask's Nm·V elements (Σm²).
template <typename T, typename L>
struct BinaryDiceBody {
  const T* p;
  const L* labels;
  LossShape s;
  __device__ void operator()(int64_t i, acc_t<T>* acc) const {
    using A = acc_t<T>;
    if (i < s.n * s.c * s.v) {
      A pv = A(compute_t<T>(p[i]));
      int64_t c = (i / s.v) % s.c;
      acc[0] += pv * A(binary_dice::mask_weight(labels, s, c, i % s.v));
      acc[1] += pv * pv;
    }
    if (i < s.label_n * s.v) acc[2] += A(binary_dice::mask_at(labels, i / s.v, i % s.v, s.v));
  }
};

template <typename A>
struct BinaryDiceFinish {
  __device__ A operator()(const A* sums) const {
    return A(1.0 - (2.0 * double(sums[0]) + kDiceSmooth) /
                       (double(sums[1]) + double(sums[2]) + kDiceSmooth));
  }
};

template <typename T, typename L>
__global__ void binary_dice_backward_kernel(const acc_t<T>* grad, const acc_t<T>* sums, const T* p,
                                            const L* labels, LossShape s, T* dp) {
  using A = acc_t<T>;
  A g = grad[0];
  A a = A(2) * sums[0] + A(kDiceSmooth);
  A b = sums[1] + sums[2] + A(kDiceSmooth);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < s.n * s.c * s.v;
       i += int64_t(blockDim.x) * gridDim.x) {
    A w = A(binary_dice::mask_weight(labels, s, (i / s.v) % s.c, i % s.v));
    A pv = A(compute_t<T>(p[i]));
    dp[i] = T(compute_t<T>(-g * (A(2) * w * b - a * A(2) * pv) / (b * b)));
  }
}

template <typename T>
struct PairBody {
  const T* a;
  const T* b;
  PairLoss kind;
  __device__ void operator()(int64_t i, acc_t<T>* acc) const {
    using A = acc_t<T>;
    A d = A(compute_t<T>(a[i])) - A(compute_t<T>(b[i]));
    acc[0] += kind == PairLoss::MSE ? d * d : (d < A(0) ? -d : d);
  }
};

template <typename A>
struct PairFinish {
  double count;
  __device__ A operator()(const A* sums) const { return A(double(sums[0]) / count); }
};

template <typename T>
__global__ void pair_backward_kernel(const acc_t<T>* grad, const T* a, const T* b, PairLoss kind,
                                     int64_t n, T* da) {
  using A = acc_t<T>;
  A scale = grad[0] / A(n);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    A d = A(compute_t<T>(a[i])) - A(compute_t<T>(b[i]));
    A dd = kind == PairLoss::MSE ? A(2) * d : A(int(d > A(0)) - int(d < A(0)));
    da[i] = T(compute_t<T>(scale * dd));
  }
}

}  // namespace

void binary_dice_loss(const Tensor& probs, const Tensor& labels, LossShape s, const Tensor& loss,
                      const Tensor& sums) {
  cudaStream_t stream = cudak::stream_for(probs);
  dispatch_floating("binary_dice_loss", probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    dispatch_labels(labels.dtype(), [&](auto label_tag) {
      using L = decltype(label_tag);
      int64_t positions = std::max(s.n * s.c * s.v, s.label_n * s.v);
      cudak::run_loss_reduction<3, A>(BinaryDiceBody<T, L>{probs.data<T>(), labels.data<L>(), s},
                                      positions, 3, BinaryDiceFinish<A>{}, sums.data<A>(),
                                      loss.data<A>(), probs.device(), stream);
    });
  });
}

void binary_dice_loss_backward(const Tensor& grad, const Tensor& probs, const Tensor& labels,
                               const Tensor& sums, LossShape s, const Tensor& dprobs) {
  cudaStream_t stream = cudak::stream_for(probs);
  dispatch_floating("binary_dice_loss_backward", probs.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    dispatch_labels(labels.dtype(), [&](auto label_tag) {
      using L = decltype(label_tag);
      binary_dice_backward_kernel<T, L>
          <<<semisam::cuda::grid_for(probs.numel()), semisam::cuda::kBlock, 0, stream>>>(
              grad.data<A>(), sums.data<A>(), probs.data<T>(), labels.data<L>(), s,
              dprobs.data<T>());
      CUDA_CHECK_LAUNCH();
    });
  });
}

void pair_loss(PairLoss kind, const Tensor& a, const Tensor& b, const Tensor& loss) {
  cudaStream_t stream = cudak::stream_for(a);
  dispatch_floating("pair_loss", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    Tensor sums = Tensor::empty({1}, DTypeOf<A>::value, a.device());
    cudak::run_loss_reduction<1, A>(PairBody<T>{a.data<T>(), b.data<T>(), kind}, a.numel(), 1,
                                    PairFinish<A>{double(a.numel())}, sums.data<A>(),
                                    loss.data<A>(), a.device(), stream);
  });
}

void pair_loss_backward(PairLoss kind, const Tensor& grad, const Tensor& a, const Tensor& b,
                        const Tensor& da) {
  cudaStream_t stream = cudak::stream_for(a);
  dispatch_floating("pair_loss_backward", a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    pair_backward_kernel<T><<<semisam::cuda::grid_for(a.numel()), semisam::cuda::kBlock, 0, stream>>>(
        grad.data<acc_t<T>>(), a.data<T>(), b.data<T>(), kind, a.numel(), da.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
