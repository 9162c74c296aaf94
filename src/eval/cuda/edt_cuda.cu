// CUDA exact Euclidean distance transform: one kernel per axis, one thread per line, no atomics.
// Mirrors cpu/edt_cpu.cpp step for step; the _rn intrinsics forbid fused multiply-adds so the
// squared distances are bit-identical to the CPU reference.
#include <math_constants.h>

#include "eval/cuda/device_buffer.cuh"
#include "eval/cuda/eval_cuda.h"

namespace semisam::eval::cuda_impl {

namespace {
using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

// Along X: per (y, z) line, the voxel count to the nearest source, then (count * sx)^2. Adjacent
// threads own adjacent z, so every access is coalesced.
__global__ void pass_x_kernel(const uint8_t* volume, bool source_is_nonzero, int64_t nx,
                              int64_t plane, double sx, double* out) {
  for (int64_t l = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; l < plane;
       l += int64_t(blockDim.x) * gridDim.x) {
    double d = CUDART_INF;
    for (int64_t x = 0; x < nx; ++x) {
      const int64_t i = x * plane + l;
      d = ((volume[i] != 0) == source_is_nonzero) ? 0.0 : d + 1.0;
      out[i] = d;
    }
    d = CUDART_INF;
    for (int64_t x = nx - 1; x >= 0; --x) {
      const int64_t i = x * plane + l;
      d = ((volume[i] != 0) == source_is_nonzero) ? 0.0 : d + 1.0;
      const double t = __dmul_rn(fmin(out[i], d), sx);
      out[i] = __dmul_rn(t, t);
    }
  }
}

__device__ inline double envelope_crossing(int64_t p, double fp, int64_t q, double fq,
                                           double step2) {
  const double dp = double(p), dq = double(q);
  const double num = __dadd_rn(__ddiv_rn(__dsub_rn(fq, fp), step2),
                               __dmul_rn(__dsub_rn(dq, dp), __dadd_rn(dq, dp)));
  return __ddiv_rn(num, __dmul_rn(2.0, __dsub_rn(dq, dp)));
}

// Lower envelope along one axis, in place. Line l starts at (l / inner) * outer_stride +
// (l % inner) * inner_stride and steps by `step_stride`; the envelope's work arrays are stored
// interleaved by line ([k * lines + l]) so that neighbouring threads touch neighbouring words.
__global__ void envelope_kernel(double* data, int64_t lines, int64_t n, int64_t inner,
                                int64_t outer_stride, int64_t inner_stride, int64_t step_stride,
                                double step, int64_t* vertex, double* height, double* boundary) {
  const double step2 = __dmul_rn(step, step);
  for (int64_t l = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; l < lines;
       l += int64_t(blockDim.x) * gridDim.x) {
    double* line = data + (l / inner) * outer_stride + (l % inner) * inner_stride;
    int64_t k = -1;
    for (int64_t q = 0; q < n; ++q) {
      const double fq = line[q * step_stride];
      if (fq == CUDART_INF) continue;
      double start = -CUDART_INF;
      while (k >= 0) {
        start = envelope_crossing(vertex[k * lines + l], height[k * lines + l], q, fq, step2);
        if (start > boundary[k * lines + l]) break;
        --k;
      }
      if (k < 0) start = -CUDART_INF;
      ++k;
      vertex[k * lines + l] = q;
      height[k * lines + l] = fq;
      boundary[k * lines + l] = start;
      boundary[(k + 1) * lines + l] = CUDART_INF;
    }
    if (k < 0) {
      for (int64_t q = 0; q < n; ++q) line[q * step_stride] = CUDART_INF;
      continue;
    }
    int64_t j = 0;
    for (int64_t q = 0; q < n; ++q) {
      while (boundary[(j + 1) * lines + l] < double(q)) ++j;
      const double t = __dmul_rn(double(q - vertex[j * lines + l]), step);
      line[q * step_stride] = __dadd_rn(__dmul_rn(t, t), height[j * lines + l]);
    }
  }
}

__global__ void sqrt_kernel(double* values, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    values[i] = __dsqrt_rn(values[i]);
}

void envelope_pass(double* data, int64_t lines, int64_t n, int64_t inner, int64_t outer_stride,
                   int64_t inner_stride, int64_t step_stride, double step, int device,
                   cudaStream_t stream) {
  if (lines == 0 || n == 0) return;
  DeviceBuffer<int64_t> vertex(size_t(lines * n), device);
  DeviceBuffer<double> height(size_t(lines * n), device);
  DeviceBuffer<double> boundary(size_t(lines * (n + 1)), device);
  envelope_kernel<<<grid_for(lines), kBlock, 0, stream>>>(data, lines, n, inner, outer_stride,
                                                          inner_stride, step_stride, step,
                                                          vertex.get(), height.get(),
                                                          boundary.get());
  CUDA_CHECK_LAUNCH();
}
}  // namespace

void squared_distance_to_sources(const uint8_t* volume, bool source_is_nonzero, Extent e,
                                 const Spacing& spacing, double* out, int device) {
  if (e.numel() == 0) return;
  cudaStream_t stream = eval_stream(device);
  const int64_t plane = e.y * e.z;
  pass_x_kernel<<<grid_for(plane), kBlock, 0, stream>>>(volume, source_is_nonzero, e.x, plane,
                                                        spacing.x, out);
  CUDA_CHECK_LAUNCH();
  // Along Y: line (x, z), consecutive lines differ in z (coalesced), samples Z apart.
  envelope_pass(out, e.x * e.z, e.y, e.z, plane, 1, e.z, spacing.y, device, stream);
  // Along Z: line (x, y), contiguous samples.
  envelope_pass(out, e.x * e.y, e.z, e.y, plane, e.z, 1, spacing.z, device, stream);
}

void sqrt_inplace(double* values, int64_t n, int device) {
  if (n == 0) return;
  cudaStream_t stream = eval_stream(device);
  sqrt_kernel<<<grid_for(n), kBlock, 0, stream>>>(values, n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::eval::cuda_impl
