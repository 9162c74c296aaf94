// CUDA twins of the fused prototype steps: one thread per feature cell for the classes, one per
// volume voxel for the resize-and-place gather, one per channel for the masked sums (each summing
// its channel over the cells in order, as the CPU does, so no atomics and the same sums).
#include "kernels/cuda/device_types.cuh"
#include "kernels/nearest_index.h"
#include "kernels/prototype_rules.h"
#include "kernels/prototype_similarity.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(const char* op, int64_t n) {
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  SEMISAM_CHECK(blocks < (int64_t(1) << 31), op, ": ", n, " items exceed the CUDA grid");
  return unsigned(blocks);
}

__global__ void cell_class_kernel(const float* f, int64_t dim, int64_t cells, const float* p,
                                  const uint8_t* present, int64_t classes, uint8_t* out) {
  const int64_t v = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (v >= cells) return;
  out[v] = uint8_t(prototype_rule::cell_class(f + v, cells, dim, p, present, classes));
}

struct PlaceGeometry {
  int64_t g[3], crop[3], offset[3], volume[3];
};

// The cell index volume index o of an axis reads, or -1 outside the crop.
__device__ int64_t cell_along(const PlaceGeometry& p, int a, int64_t o) {
  const int64_t i = o - p.offset[a];
  return i >= 0 && i < p.crop[a] ? legacy_nearest_index(i, p.g[a], p.crop[a]) : -1;
}

__global__ void place_kernel(const uint8_t* in, PlaceGeometry p, uint8_t* out) {
  const int64_t v = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (v >= p.volume[0] * p.volume[1] * p.volume[2]) return;
  const int64_t sx = cell_along(p, 0, v / (p.volume[1] * p.volume[2]));
  const int64_t sy = cell_along(p, 1, (v / p.volume[2]) % p.volume[1]);
  const int64_t sz = cell_along(p, 2, v % p.volume[2]);
  out[v] = sx < 0 || sy < 0 || sz < 0 ? uint8_t(0) : in[(sx * p.g[1] + sy) * p.g[2] + sz];
}

// Thread d owns column d of the sums; thread 0 also counts the cells of each class.
__global__ void masked_sums_kernel(const float* f, const uint8_t* cls, int64_t dim, int64_t cells,
                                   int64_t classes, double* sums, int64_t* counts) {
  const int64_t d = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (d >= dim) return;
  for (int64_t c = 0; c < classes; ++c) sums[c * dim + d] = 0.0;
  const float* fd = f + d * cells;
  for (int64_t v = 0; v < cells; ++v) sums[cls[v] * dim + d] += double(fd[v]);
  if (d != 0) return;
  for (int64_t c = 0; c < classes; ++c) counts[c] = 0;
  for (int64_t v = 0; v < cells; ++v) ++counts[cls[v]];
}

}  // namespace

void prototype_cell_classes(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                            const Tensor& cells_out) {
  const int64_t cells = cells_out.numel();
  cudaStream_t stream = cudak::stream_for(features);
  cell_class_kernel<<<blocks_for("prototype_labels", cells), kThreads, 0, stream>>>(
      features.data<float>(), features.size(0), cells, prototypes.data<float>(),
      present.data<uint8_t>(), prototypes.size(0), cells_out.data<uint8_t>());
  CUDA_CHECK_LAUNCH();
}

void place_cells(const Tensor& cells, const LabelPlacement& placement, const Tensor& out) {
  PlaceGeometry p{};
  for (int a = 0; a < 3; ++a) {
    p.g[a] = cells.size(a);
    p.crop[a] = placement.crop[size_t(a)];
    p.offset[a] = placement.offset[size_t(a)];
    p.volume[a] = out.size(a);
  }
  cudaStream_t stream = cudak::stream_for(out);
  place_kernel<<<blocks_for("prototype_labels", out.numel()), kThreads, 0, stream>>>(
      cells.data<uint8_t>(), p, out.data<uint8_t>());
  CUDA_CHECK_LAUNCH();
}

void prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                           const MaskedFeatureSums& out) {
  const int64_t dim = features.size(0);
  cudaStream_t stream = cudak::stream_for(features);
  masked_sums_kernel<<<blocks_for("prototype_masked_sums", dim), kThreads, 0, stream>>>(
      features.data<float>(), cell_class.data<uint8_t>(), dim, cell_class.numel(),
      out.counts.numel(), out.sums.data<double>(), out.counts.data<int64_t>());
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cuda
