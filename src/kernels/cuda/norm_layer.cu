// CUDA layer normalisation over one axis of [outer, size, inner]. inner == 1 (tokens): one warp
// per row, reading along the row; inner > 1 (channels of N,C,D,H,W): one thread per position,
// neighbouring threads reading neighbouring positions. Weight/bias gradients: one block per
// channel summing over every position in a fixed order (no atomics).
#include "kernels/cuda/device_types.cuh"
#include "kernels/cuda/norm_block_reduce.cuh"
#include "kernels/norm.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;

template <int kLanes, typename A>
__device__ __forceinline__ A group_sum(A v) {
  if constexpr (kLanes == 32) return cudak::warp_sum(v);
  else return v;
}

// kLanes threads share one row (position); whole warps share a row, so early exits are uniform.
template <typename T, typename A, int kLanes>
__global__ void forward_kernel(const T* x, const A* w, const A* b, AxisSplit s, double eps, T* out,
                               A* mean, A* rstd) {
  int64_t gid = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  int64_t row = gid / kLanes;
  int lane = int(gid % kLanes);
  if (row >= s.outer * s.inner) return;
  int64_t base = (row / s.inner) * s.size * s.inner + row % s.inner;
  A sum = A(0);
  for (int64_t k = lane; k < s.size; k += kLanes) sum += A(compute_t<T>(x[base + k * s.inner]));
  A mu = group_sum<kLanes>(sum) / A(s.size);
  A sq = A(0);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    A c = A(compute_t<T>(x[base + k * s.inner])) - mu;
    sq += c * c;
  }
  A r = A(1) / ::sqrt(group_sum<kLanes>(sq) / A(s.size) + A(eps));
  if (lane == 0) {
    mean[row] = mu;
    rstd[row] = r;
  }
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    out[e] = T(compute_t<T>((A(compute_t<T>(x[e])) - mu) * r * w[k] + b[k]));
  }
}

template <typename T, typename A, int kLanes>
__global__ void input_grad_kernel(const T* g, const T* x, const A* w, const A* mean, const A* rstd,
                                  AxisSplit s, T* dx) {
  int64_t gid = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  int64_t row = gid / kLanes;
  int lane = int(gid % kLanes);
  if (row >= s.outer * s.inner) return;
  int64_t base = (row / s.inner) * s.size * s.inner + row % s.inner;
  A mu = mean[row], r = rstd[row];
  // g' = g·w reaches x̂; dx = r·(g' − mean(g') − x̂·mean(g'·x̂)).
  A sum_g = A(0), sum_gx = A(0);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    A xhat = (A(compute_t<T>(x[e])) - mu) * r;
    A gw = A(compute_t<T>(g[e])) * w[k];
    sum_g += gw;
    sum_gx += gw * xhat;
  }
  A mean_g = group_sum<kLanes>(sum_g) / A(s.size);
  A mean_gx = group_sum<kLanes>(sum_gx) / A(s.size);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    A xhat = (A(compute_t<T>(x[e])) - mu) * r;
    A gw = A(compute_t<T>(g[e])) * w[k];
    dx[e] = T(compute_t<T>(r * (gw - mean_g - xhat * mean_gx)));
  }
}

// Block k: dweight[k] = Σ g·x̂ and dbias[k] = Σ g over every row.
template <typename T, typename A>
__global__ void affine_grad_kernel(const T* g, const T* x, const A* mean, const A* rstd,
                                   AxisSplit s, A* dweight, A* dbias) {
  int64_t k = blockIdx.x;
  A sum_w = A(0), sum_b = A(0);
  for (int64_t row = threadIdx.x; row < s.outer * s.inner; row += kThreads) {
    int64_t e = ((row / s.inner) * s.size + k) * s.inner + row % s.inner;
    A gi = A(compute_t<T>(g[e]));
    sum_w += gi * (A(compute_t<T>(x[e])) - mean[row]) * rstd[row];
    sum_b += gi;
  }
  sum_w = cudak::block_sum<A, kThreads>(sum_w);
  sum_b = cudak::block_sum<A, kThreads>(sum_b);
  if (threadIdx.x == 0) {
    dweight[k] = sum_w;
    dbias[k] = sum_b;
  }
}

unsigned blocks_for(int64_t rows, int lanes) {
  int64_t threads = rows * lanes;
  int64_t blocks = (threads + kThreads - 1) / kThreads;
  SEMISAM_CHECK(blocks < (int64_t(1) << 31), "layer_norm: ", rows, " rows exceed the CUDA grid");
  return unsigned(blocks);
}

}  // namespace

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, AxisSplit s, double eps,
                const Tensor& out, const Tensor& mean, const Tensor& rstd) {
  int64_t rows = s.outer * s.inner;
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("layer_norm", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    if (s.inner == 1)
      forward_kernel<T, A, 32><<<blocks_for(rows, 32), kThreads, 0, stream>>>(
          x.data<T>(), weight.data<A>(), bias.data<A>(), s, eps, out.data<T>(), mean.data<A>(),
          rstd.data<A>());
    else
      forward_kernel<T, A, 1><<<blocks_for(rows, 1), kThreads, 0, stream>>>(
          x.data<T>(), weight.data<A>(), bias.data<A>(), s, eps, out.data<T>(), mean.data<A>(),
          rstd.data<A>());
    CUDA_CHECK_LAUNCH();
  });
}

void layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                         const Tensor& mean, const Tensor& rstd, AxisSplit s, const Tensor& dx,
                         const Tensor& dweight, const Tensor& dbias) {
  int64_t rows = s.outer * s.inner;
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("layer_norm_backward", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    if (s.inner == 1)
      input_grad_kernel<T, A, 32><<<blocks_for(rows, 32), kThreads, 0, stream>>>(
          grad_out.data<T>(), x.data<T>(), weight.data<A>(), mean.data<A>(), rstd.data<A>(), s,
          dx.data<T>());
    else
      input_grad_kernel<T, A, 1><<<blocks_for(rows, 1), kThreads, 0, stream>>>(
          grad_out.data<T>(), x.data<T>(), weight.data<A>(), mean.data<A>(), rstd.data<A>(), s,
          dx.data<T>());
    CUDA_CHECK_LAUNCH();
    affine_grad_kernel<T, A><<<unsigned(s.size), kThreads, 0, stream>>>(
        grad_out.data<T>(), x.data<T>(), mean.data<A>(), rstd.data<A>(), s, dweight.data<A>(),
        dbias.data<A>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
