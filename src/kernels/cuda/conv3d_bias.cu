// CUDA bias of the convolution: the forward addition, and the gradient as a deterministic
// two-stage per-channel sum (fixed slices, fixed-order tree reductions, float64 accumulation; no
// atomics), so the same input always gives the same bits.
#include "kernels/conv3d.h"
#include "kernels/cuda/conv3d_bias.h"
#include "kernels/cuda/device_types.cuh"

namespace semisam::ops {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

// Slices each channel's N·D·H·W elements are split into; depends on nothing but this constant,
// so the rounding is the same on every GPU.
constexpr int kSlices = 64;

template <typename T>
__global__ void add_bias_kernel(T* out, const T* bias, int64_t n, int64_t channels,
                                int64_t volume) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t c = (i / volume) % channels;
    out[i] = T(compute_t<T>(out[i]) + compute_t<T>(bias[c]));
  }
}

// Block (slice, channel) sums its slice of the channel into partial[channel][slice].
template <typename T>
__global__ void bias_grad_partial_kernel(const T* dy, double* partial, int64_t batch,
                                         int64_t channels, int64_t volume) {
  __shared__ double shared[kBlock];
  const int64_t c = blockIdx.y, slice = blockIdx.x;
  const int64_t total = batch * volume;
  const int64_t per_slice = (total + kSlices - 1) / kSlices;
  const int64_t begin = slice * per_slice, end = min(total, begin + per_slice);
  double acc = 0;
  for (int64_t m = begin + threadIdx.x; m < end; m += blockDim.x) {
    int64_t n = m / volume, v = m - n * volume;
    acc += double(compute_t<T>(dy[(n * channels + c) * volume + v]));
  }
  shared[threadIdx.x] = acc;
  __syncthreads();
  for (int width = kBlock / 2; width > 0; width /= 2) {
    if (int(threadIdx.x) < width) shared[threadIdx.x] += shared[threadIdx.x + width];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[c * kSlices + slice] = shared[0];
}

template <typename T>
__global__ void bias_grad_final_kernel(const double* partial, T* grad_bias, int64_t channels) {
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < channels;
       c += int64_t(blockDim.x) * gridDim.x) {
    double total = 0;
    for (int s = 0; s < kSlices; ++s) total += partial[c * kSlices + s];
    grad_bias[c] = T(compute_t<T>(total));
  }
}

}  // namespace

void cudak::add_channel_bias(const Tensor& out, const Tensor& bias) {
  int64_t n = out.numel(), channels = out.size(1);
  if (n == 0) return;
  int64_t volume = n / (out.size(0) * channels);
  cudaStream_t stream = stream_for(out);
  dispatch_floating("conv3d", out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    add_bias_kernel<T>
        <<<grid_for(n), kBlock, 0, stream>>>(out.data<T>(), bias.data<T>(), n, channels, volume);
  });
  CUDA_CHECK_LAUNCH();
}

void cuda::conv3d_backward_bias(const Tensor& grad_output, const Tensor& grad_bias) {
  int64_t batch = grad_output.size(0), channels = grad_output.size(1);
  int64_t volume = grad_output.numel() / (batch * channels);
  SEMISAM_CHECK(channels <= 65535, "conv3d_backward_bias: at most 65535 channels, got ", channels);
  cudaStream_t stream = cudak::stream_for(grad_output);
  Tensor partial = Tensor::empty({channels * kSlices}, DType::Float64, grad_output.device());
  dispatch_floating("conv3d_backward_bias", grad_output.dtype(), [&](auto tag) {
    using T = decltype(tag);
    bias_grad_partial_kernel<T><<<dim3(kSlices, unsigned(channels)), kBlock, 0, stream>>>(
        grad_output.data<T>(), partial.data<double>(), batch, channels, volume);
    CUDA_CHECK_LAUNCH();
    bias_grad_final_kernel<T><<<grid_for(channels), kBlock, 0, stream>>>(
        partial.data<double>(), grad_bias.data<T>(), channels);
    CUDA_CHECK_LAUNCH();
  });
}

}  // namespace semisam::ops
