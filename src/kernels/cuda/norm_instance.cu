// CUDA instance normalisation. Each (n, c) plane is cut into fixed-size chunks (fixed by the
// shape, not the GPU, so results are reproducible across devices): one block per chunk computes
// Welford moments (forward) or gradient sums (backward), a per-plane pass merges the chunk results
// in order, and an elementwise pass writes the output. No atomics.
#include "kernels/cuda/device_types.cuh"
#include "kernels/cuda/norm_block_reduce.cuh"
#include "kernels/norm.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 8192;  // elements of one plane handled by one block

template <typename A>
struct Moments {
  A n, mean, m2;
};

// Chan et al.'s merge of two partial (count, mean, sum of squared deviations).
template <typename A>
__device__ Moments<A> merge(Moments<A> a, Moments<A> b) {
  A n = a.n + b.n;
  if (b.n == A(0)) return a;
  if (a.n == A(0)) return b;
  A delta = b.mean - a.mean;
  A fb = b.n / n;
  return {n, a.mean + delta * fb, a.m2 + b.m2 + delta * delta * a.n * fb};
}

template <typename A>
__device__ Moments<A> block_merge(Moments<A> v) {
  __shared__ Moments<A> warps[kThreads / 32];
  for (int offset = 16; offset > 0; offset >>= 1) {
    Moments<A> other{__shfl_down_sync(0xffffffffu, v.n, offset),
                     __shfl_down_sync(0xffffffffu, v.mean, offset),
                     __shfl_down_sync(0xffffffffu, v.m2, offset)};
    v = merge(v, other);
  }
  if ((threadIdx.x & 31) == 0) warps[threadIdx.x >> 5] = v;
  __syncthreads();
  if (threadIdx.x == 0)
    for (int w = 1; w < kThreads / 32; ++w) v = merge(v, warps[w]);
  return v;  // valid in thread 0
}

template <typename T, typename A>
__global__ void stats_kernel(const T* x, int64_t m, int64_t chunks, Moments<A>* partial) {
  int64_t plane = blockIdx.y;
  int64_t begin = blockIdx.x * kChunk, end = min(begin + kChunk, m);
  const T* p = x + plane * m;
  Moments<A> acc{A(0), A(0), A(0)};
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
    A v = A(compute_t<T>(p[i]));
    acc.n += A(1);
    A delta = v - acc.mean;
    acc.mean += delta / acc.n;
    acc.m2 += delta * (v - acc.mean);
  }
  acc = block_merge(acc);
  if (threadIdx.x == 0) partial[plane * chunks + blockIdx.x] = acc;
}

template <typename A>
__global__ void finalize_stats_kernel(const Moments<A>* partial, int64_t planes, int64_t chunks,
                                      double eps, A* mean, A* rstd) {
  int64_t plane = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (plane >= planes) return;
  // Merged in double: a plane's count may pass 2^24, where float counts stop being exact.
  auto wide = [](Moments<A> m) { return Moments<double>{double(m.n), double(m.mean), double(m.m2)}; };
  Moments<double> acc = wide(partial[plane * chunks]);
  for (int64_t c = 1; c < chunks; ++c) acc = merge(acc, wide(partial[plane * chunks + c]));
  mean[plane] = A(acc.mean);
  rstd[plane] = A(1.0 / ::sqrt(acc.m2 / acc.n + eps));
}

template <typename T, typename A>
__global__ void apply_kernel(const T* x, int64_t m, const A* mean, const A* rstd, bool relu,
                             T* out) {
  int64_t plane = blockIdx.y;
  int64_t begin = blockIdx.x * kChunk, end = min(begin + kChunk, m);
  A mu = mean[plane], r = rstd[plane];
  const T* p = x + plane * m;
  T* o = out + plane * m;
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
    A v = (A(compute_t<T>(p[i])) - mu) * r;
    if (relu && !(v > A(0))) v = A(0);
    o[i] = T(compute_t<T>(v));
  }
}

// The gradient reaching x̂: g, or 0 where the fused ReLU was inactive (x̂ ≤ 0).
template <typename T, typename A>
__device__ __forceinline__ A masked_grad(const T* g, int64_t i, A xhat, bool relu) {
  return relu && !(xhat > A(0)) ? A(0) : A(compute_t<T>(g[i]));
}

template <typename T, typename A>
__global__ void grad_sums_kernel(const T* g, const T* x, int64_t m, int64_t chunks, const A* mean,
                                 const A* rstd, bool relu, A* partial) {
  int64_t plane = blockIdx.y;
  int64_t begin = blockIdx.x * kChunk, end = min(begin + kChunk, m);
  A mu = mean[plane], r = rstd[plane];
  const T* px = x + plane * m;
  const T* pg = g + plane * m;
  A sum_g = A(0), sum_gx = A(0);
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
    A xhat = (A(compute_t<T>(px[i])) - mu) * r;
    A gi = masked_grad(pg, i, xhat, relu);
    sum_g += gi;
    sum_gx += gi * xhat;
  }
  sum_g = cudak::block_sum<A, kThreads>(sum_g);
  sum_gx = cudak::block_sum<A, kThreads>(sum_gx);
  if (threadIdx.x == 0) {
    partial[2 * (plane * chunks + blockIdx.x)] = sum_g;
    partial[2 * (plane * chunks + blockIdx.x) + 1] = sum_gx;
  }
}

// Per plane: mean(g') and mean(g'·x̂) from the chunk sums, added in chunk order.
template <typename A>
__global__ void finalize_grad_kernel(const A* partial, int64_t planes, int64_t chunks, int64_t m,
                                     A* means) {
  int64_t plane = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (plane >= planes) return;
  double sum_g = 0, sum_gx = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    sum_g += double(partial[2 * (plane * chunks + c)]);
    sum_gx += double(partial[2 * (plane * chunks + c) + 1]);
  }
  means[2 * plane] = A(sum_g / double(m));
  means[2 * plane + 1] = A(sum_gx / double(m));
}

template <typename T, typename A>
__global__ void grad_apply_kernel(const T* g, const T* x, int64_t m, const A* mean, const A* rstd,
                                  const A* means, bool relu, T* dx) {
  int64_t plane = blockIdx.y;
  int64_t begin = blockIdx.x * kChunk, end = min(begin + kChunk, m);
  A mu = mean[plane], r = rstd[plane];
  A mean_g = means[2 * plane], mean_gx = means[2 * plane + 1];
  const T* px = x + plane * m;
  const T* pg = g + plane * m;
  T* d = dx + plane * m;
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
    A xhat = (A(compute_t<T>(px[i])) - mu) * r;
    d[i] = T(compute_t<T>(r * (masked_grad(pg, i, xhat, relu) - mean_g - xhat * mean_gx)));
  }
}

dim3 chunk_grid(int64_t planes, int64_t chunks) {
  SEMISAM_CHECK(planes <= 65535, "instance_norm: ", planes,
                " (sample, channel) planes exceed the CUDA grid");
  return dim3(unsigned(chunks), unsigned(planes));
}

}  // namespace

void instance_norm(const Tensor& x, int64_t planes, double eps, bool relu, const Tensor& out,
                   const Tensor& mean, const Tensor& rstd) {
  int64_t m = x.numel() / planes;
  int64_t chunks = (m + kChunk - 1) / kChunk;
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("instance_norm", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    Tensor partial = Tensor::empty({int64_t(planes * chunks * sizeof(Moments<A>))}, DType::UInt8,
                                   x.device());
    auto* moments = static_cast<Moments<A>*>(partial.data_ptr());
    stats_kernel<T, A><<<chunk_grid(planes, chunks), kThreads, 0, stream>>>(x.data<T>(), m, chunks,
                                                                            moments);
    CUDA_CHECK_LAUNCH();
    finalize_stats_kernel<A><<<semisam::cuda::grid_for(planes), semisam::cuda::kBlock, 0, stream>>>(
        moments, planes, chunks, eps, mean.data<A>(), rstd.data<A>());
    CUDA_CHECK_LAUNCH();
    apply_kernel<T, A><<<chunk_grid(planes, chunks), kThreads, 0, stream>>>(
        x.data<T>(), m, mean.data<A>(), rstd.data<A>(), relu, out.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

void instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                            const Tensor& rstd, int64_t planes, bool relu, const Tensor& dx) {
  int64_t m = x.numel() / planes;
  int64_t chunks = (m + kChunk - 1) / kChunk;
  cudaStream_t stream = cudak::stream_for(x);
  dispatch_floating("instance_norm_backward", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    Tensor partial = Tensor::empty({planes * chunks * 2}, DTypeOf<A>::value, x.device());
    Tensor means = Tensor::empty({planes * 2}, DTypeOf<A>::value, x.device());
    grad_sums_kernel<T, A><<<chunk_grid(planes, chunks), kThreads, 0, stream>>>(
        grad_out.data<T>(), x.data<T>(), m, chunks, mean.data<A>(), rstd.data<A>(), relu,
        partial.data<A>());
    CUDA_CHECK_LAUNCH();
    finalize_grad_kernel<A><<<semisam::cuda::grid_for(planes), semisam::cuda::kBlock, 0, stream>>>(
        partial.data<A>(), planes, chunks, m, means.data<A>());
    CUDA_CHECK_LAUNCH();
    grad_apply_kernel<T, A><<<chunk_grid(planes, chunks), kThreads, 0, stream>>>(
        grad_out.data<T>(), x.data<T>(), m, mean.data<A>(), rstd.data<A>(), means.data<A>(), relu,
        dx.data<T>());
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops::cuda
