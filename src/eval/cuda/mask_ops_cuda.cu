// CUDA mask operations: label selection, overlap counts (per-block partial counts summed on the
// host, so no atomics) and the masked gather of distances (CUB's order-preserving selection).
#include <cub/device/device_select.cuh>

#include <algorithm>
#include <vector>

#include "eval/cuda/device_buffer.cuh"
#include "eval/cuda/eval_cuda.h"

namespace semisam::eval::cuda_impl {

namespace {
using semisam::cuda::kBlock;
constexpr int kCountBlocks = 1024;

__global__ void labels_equal_kernel(const uint8_t* labels, int64_t n, uint8_t label,
                                    uint8_t* out) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = labels[i] == label ? 1 : 0;
}

// partial[3 * block + {0, 1, 2}] = counts of a, b and a∧b over the voxels this block visits.
__global__ void overlap_count_kernel(const uint8_t* a, const uint8_t* b, int64_t n,
                                     long long* partial) {
  __shared__ long long sums[3][kBlock];
  long long ca = 0, cb = 0, ci = 0;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    const bool in_a = a[i] != 0, in_b = b[i] != 0;
    ca += in_a;
    cb += in_b;
    ci += in_a && in_b;
  }
  sums[0][threadIdx.x] = ca;
  sums[1][threadIdx.x] = cb;
  sums[2][threadIdx.x] = ci;
  __syncthreads();
  for (int half = kBlock / 2; half > 0; half /= 2) {
    if (int(threadIdx.x) < half)
      for (int c = 0; c < 3; ++c) sums[c][threadIdx.x] += sums[c][threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    for (int c = 0; c < 3; ++c) partial[3 * blockIdx.x + c] = sums[c][0];
}
}  // namespace

void labels_equal(const uint8_t* labels, int64_t n, uint8_t label, uint8_t* out, int device) {
  if (n == 0) return;
  cudaStream_t stream = eval_stream(device);
  labels_equal_kernel<<<semisam::cuda::grid_for(n), kBlock, 0, stream>>>(labels, n, label, out);
  CUDA_CHECK_LAUNCH();
}

OverlapCounts overlap_counts(const uint8_t* a, const uint8_t* b, int64_t n, int device) {
  if (n == 0) return {};
  cudaStream_t stream = eval_stream(device);
  const int blocks = int(std::min<int64_t>(kCountBlocks, (n + kBlock - 1) / kBlock));
  DeviceBuffer<long long> partial(size_t(3 * blocks), device);
  overlap_count_kernel<<<blocks, kBlock, 0, stream>>>(a, b, n, partial.get());
  CUDA_CHECK_LAUNCH();
  std::vector<long long> host(size_t(3 * blocks));
  copy_bytes(host.data(), Device::cpu(), partial.get(), Device::cuda(device),
             host.size() * sizeof(long long));
  OverlapCounts c;
  for (int k = 0; k < blocks; ++k) {
    c.a += host[size_t(3 * k)];
    c.b += host[size_t(3 * k + 1)];
    c.intersection += host[size_t(3 * k + 2)];
  }
  return c;
}

std::vector<double> values_at_nonzero(const double* values, const uint8_t* flags, int64_t n,
                                      int device) {
  if (n == 0) return {};
  cudaStream_t stream = eval_stream(device);
  DeviceBuffer<double> selected(size_t(n), device);
  DeviceBuffer<long long> count(1, device);
  size_t temp_bytes = 0;
  CUDA_CHECK(cub::DeviceSelect::Flagged(nullptr, temp_bytes, values, flags, selected.get(),
                                        count.get(), n, stream));
  DeviceBuffer<unsigned char> temp(std::max<size_t>(temp_bytes, 1), device);
  CUDA_CHECK(cub::DeviceSelect::Flagged(temp.get(), temp_bytes, values, flags, selected.get(),
                                        count.get(), n, stream));
  long long host_count = 0;
  copy_bytes(&host_count, Device::cpu(), count.get(), Device::cuda(device), sizeof(long long));
  std::vector<double> picked(static_cast<size_t>(host_count));
  copy_bytes(picked.data(), Device::cpu(), selected.get(), Device::cuda(device),
             picked.size() * sizeof(double));
  return picked;
}

}  // namespace semisam::eval::cuda_impl
