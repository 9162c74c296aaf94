// CUDA DTC signed distance map of one sample: the two EDTs and the inner boundary on the device,
// min/max as per-block partials finished on the host (no atomics), then one elementwise kernel
// evaluating the normalisation exactly as cpu/signed_distance_cpu.cpp does.
#include <math_constants.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "eval/cuda/device_buffer.cuh"
#include "eval/cuda/eval_cuda.h"

namespace semisam::eval::cuda_impl {

namespace {
using semisam::cuda::kBlock;
constexpr int kReduceBlocks = 512;

// partial[4 * block + {0, 1, 2, 3}] = min pos, max pos, min neg, max neg over this block's voxels.
__global__ void minmax_kernel(const double* pos, const double* neg, int64_t n, double* partial) {
  __shared__ double s[4][kBlock];
  double v[4] = {CUDART_INF, -CUDART_INF, CUDART_INF, -CUDART_INF};
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    v[0] = fmin(v[0], pos[i]);
    v[1] = fmax(v[1], pos[i]);
    v[2] = fmin(v[2], neg[i]);
    v[3] = fmax(v[3], neg[i]);
  }
  for (int c = 0; c < 4; ++c) s[c][threadIdx.x] = v[c];
  __syncthreads();
  for (int half = kBlock / 2; half > 0; half /= 2) {
    if (int(threadIdx.x) < half) {
      const int o = threadIdx.x + half;
      s[0][threadIdx.x] = fmin(s[0][threadIdx.x], s[0][o]);
      s[1][threadIdx.x] = fmax(s[1][threadIdx.x], s[1][o]);
      s[2][threadIdx.x] = fmin(s[2][threadIdx.x], s[2][o]);
      s[3][threadIdx.x] = fmax(s[3][threadIdx.x], s[3][o]);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0)
    for (int c = 0; c < 4; ++c) partial[4 * blockIdx.x + c] = s[c][0];
}

template <typename T>
__global__ void combine_kernel(const double* pos, const double* neg, const uint8_t* boundary,
                               int64_t n, double plo, double pdenom, double nlo, double ndenom,
                               T* out) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    const double v = __dsub_rn(__ddiv_rn(__dsub_rn(neg[i], nlo), ndenom),
                               __ddiv_rn(__dsub_rn(pos[i], plo), pdenom));
    out[i] = T(boundary[i] ? 0.0 : v);
  }
}
}  // namespace

void signed_distance_sample(const uint8_t* mask, Extent e, const Spacing& spacing, bool out_f64,
                            void* out, int device) {
  const int64_t n = e.numel();
  if (n == 0) return;
  const int64_t foreground = overlap_counts(mask, mask, n, device).a;
  cudaStream_t stream = eval_stream(device);
  if (foreground == 0 || foreground == n) {
    zero_bytes(out, Device::cuda(device), size_t(n) * (out_f64 ? sizeof(double) : sizeof(float)));
    return;
  }
  DeviceBuffer<double> pos(size_t(n), device), neg(size_t(n), device);
  DeviceBuffer<uint8_t> boundary(size_t(n), device);
  squared_distance_to_sources(mask, false, e, spacing, pos.get(), device);
  squared_distance_to_sources(mask, true, e, spacing, neg.get(), device);
  sqrt_inplace(pos.get(), n, device);
  sqrt_inplace(neg.get(), n, device);
  inner_boundary(mask, e, boundary.get(), device);

  const int blocks = int(std::min<int64_t>(kReduceBlocks, (n + kBlock - 1) / kBlock));
  DeviceBuffer<double> partial(size_t(4 * blocks), device);
  minmax_kernel<<<blocks, kBlock, 0, stream>>>(pos.get(), neg.get(), n, partial.get());
  CUDA_CHECK_LAUNCH();
  std::vector<double> host(size_t(4 * blocks));
  copy_bytes(host.data(), Device::cpu(), partial.get(), Device::cuda(device),
             host.size() * sizeof(double));
  const double inf = std::numeric_limits<double>::infinity();
  double pmin = inf, pmax = -inf, nmin = inf, nmax = -inf;
  for (int k = 0; k < blocks; ++k) {
    pmin = std::min(pmin, host[size_t(4 * k)]);
    pmax = std::max(pmax, host[size_t(4 * k + 1)]);
    nmin = std::min(nmin, host[size_t(4 * k + 2)]);
    nmax = std::max(nmax, host[size_t(4 * k + 3)]);
  }
  const double pdenom = (pmax - pmin) + 1e-8, ndenom = (nmax - nmin) + 1e-8;
  const unsigned grid = semisam::cuda::grid_for(n);
  if (out_f64)
    combine_kernel<double><<<grid, kBlock, 0, stream>>>(pos.get(), neg.get(), boundary.get(), n,
                                                        pmin, pdenom, nmin, ndenom,
                                                        static_cast<double*>(out));
  else
    combine_kernel<float><<<grid, kBlock, 0, stream>>>(pos.get(), neg.get(), boundary.get(), n,
                                                       pmin, pdenom, nmin, ndenom,
                                                       static_cast<float*>(out));
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::eval::cuda_impl
