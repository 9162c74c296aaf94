// CUDA softmax and log-softmax over [outer, size, inner]: one warp per row when inner == 1
// (attention rows), one thread per position otherwise (channels of N,C,...), computing in float
// (double for double tensors).
#include "kernels/activation_functors.h"
#include "kernels/cuda/device_types.cuh"
#include "kernels/cuda/norm_block_reduce.cuh"
#include "kernels/softmax.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;

template <int kLanes, typename A>
__device__ __forceinline__ A group_sum(A v) {
  if constexpr (kLanes == 32) return cudak::warp_sum(v);
  else return v;
}

template <int kLanes, typename A>
__device__ __forceinline__ A group_max(A v) {
  if constexpr (kLanes == 32)
    for (int offset = 16; offset > 0; offset >>= 1) {
      A other = __shfl_xor_sync(0xffffffffu, v, offset);
      v = (other > v || other != other) ? other : v;
    }
  return v;
}

__device__ __forceinline__ float log_of(float x) { return ::logf(x); }
__device__ __forceinline__ double log_of(double x) { return ::log(x); }

template <typename T, int kLanes>
__global__ void forward_kernel(const T* x, AxisSplit s, bool log, T* out) {
  using A = acc_t<T>;
  int64_t gid = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  int64_t row = gid / kLanes;
  int lane = int(gid % kLanes);
  if (row >= s.outer * s.inner) return;
  int64_t base = (row / s.inner) * s.size * s.inner + row % s.inner;
  A mx = A(-INFINITY);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    A v = A(compute_t<T>(x[base + k * s.inner]));
    mx = (v > mx || v != v) ? v : mx;
  }
  mx = group_max<kLanes>(mx);
  A sum = A(0);
  for (int64_t k = lane; k < s.size; k += kLanes)
    sum += act::exp_of(A(compute_t<T>(x[base + k * s.inner])) - mx);
  sum = group_sum<kLanes>(sum);
  A log_sum = log_of(sum), inv_sum = A(1) / sum;
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    A shifted = A(compute_t<T>(x[e])) - mx;
    out[e] = T(compute_t<T>(log ? shifted - log_sum : act::exp_of(shifted) * inv_sum));
  }
}

template <typename T, int kLanes>
__global__ void backward_kernel(const T* g, const T* y, AxisSplit s, bool log, T* dx) {
  using A = acc_t<T>;
  int64_t gid = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  int64_t row = gid / kLanes;
  int lane = int(gid % kLanes);
  if (row >= s.outer * s.inner) return;
  int64_t base = (row / s.inner) * s.size * s.inner + row % s.inner;
  A dot = A(0);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    A gi = A(compute_t<T>(g[e]));
    dot += log ? gi : gi * A(compute_t<T>(y[e]));
  }
  dot = group_sum<kLanes>(dot);
  for (int64_t k = lane; k < s.size; k += kLanes) {
    int64_t e = base + k * s.inner;
    A gi = A(compute_t<T>(g[e])), yi = A(compute_t<T>(y[e]));
    dx[e] = T(compute_t<T>(log ? gi - act::exp_of(yi) * dot : yi * (gi - dot)));
  }
}

unsigned blocks_for(int64_t rows, int lanes) {
  int64_t blocks = (rows * lanes + kThreads - 1) / kThreads;
  SEMISAM_CHECK(blocks < (int64_t(1) << 31), "softmax: ", rows, " rows exceed the CUDA grid");
  return unsigned(blocks);
}

}  // namespace

void softmax(const Tensor& x, AxisSplit s, bool log, const Tensor& out) {
  int64_t rows = s.outer * s.inner;
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("softmax", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (s.inner == 1)
      forward_kernel<T, 32><<<blocks_for(rows, 32), kThreads, 0, stream>>>(x.data<T>(), s, log,
                                                                           out.data<T>());
    else
      forward_kernel<T, 1><<<blocks_for(rows, 1), kThreads, 0, stream>>>(x.data<T>(), s, log,
                                                                         out.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

void softmax_backward(const Tensor& grad_out, const Tensor& out, AxisSplit s, bool log,
                      const Tensor& dx) {
  int64_t rows = s.outer * s.inner;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_floating("softmax_backward", out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (s.inner == 1)
      backward_kernel<T, 32><<<blocks_for(rows, 32), kThreads, 0, stream>>>(
          grad_out.data<T>(), out.data<T>(), s, log, dx.data<T>());
    else
      backward_kernel<T, 1><<<blocks_for(rows, 1), kThreads, 0, stream>>>(
          grad_out.data<T>(), out.data<T>(), s, log, dx.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
