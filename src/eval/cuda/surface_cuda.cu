// CUDA surfaces and inner boundaries: one thread per voxel testing its 6 face neighbours, as
// cpu/surface_cpu.cpp does.
#include "eval/cuda/device_buffer.cuh"
#include "eval/cuda/eval_cuda.h"

namespace semisam::eval::cuda_impl {

namespace {
using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

__global__ void face_boundary_kernel(const uint8_t* mask, int64_t nx, int64_t ny, int64_t nz,
                                     bool outside_is_background, uint8_t* out) {
  const int64_t n = nx * ny * nz, sx = ny * nz, sy = nz;
  const bool ob = outside_is_background;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    if (!mask[i]) {
      out[i] = 0;
      continue;
    }
    const int64_t x = i / sx, y = (i / sy) % ny, z = i % nz;
    const bool edge = (x == 0 ? ob : !mask[i - sx]) || (x == nx - 1 ? ob : !mask[i + sx]) ||
                      (y == 0 ? ob : !mask[i - sy]) || (y == ny - 1 ? ob : !mask[i + sy]) ||
                      (z == 0 ? ob : !mask[i - 1]) || (z == nz - 1 ? ob : !mask[i + 1]);
    out[i] = edge ? 1 : 0;
  }
}

void face_boundary(const uint8_t* mask, Extent e, bool outside_is_background, uint8_t* out,
                   int device) {
  const int64_t n = e.numel();
  if (n == 0) return;
  cudaStream_t stream = eval_stream(device);
  face_boundary_kernel<<<grid_for(n), kBlock, 0, stream>>>(mask, e.x, e.y, e.z,
                                                           outside_is_background, out);
  CUDA_CHECK_LAUNCH();
}
}  // namespace

void surface_voxels(const uint8_t* mask, Extent e, uint8_t* out, int device) {
  face_boundary(mask, e, true, out, device);
}

void inner_boundary(const uint8_t* mask, Extent e, uint8_t* out, int device) {
  face_boundary(mask, e, false, out, device);
}

}  // namespace semisam::eval::cuda_impl
