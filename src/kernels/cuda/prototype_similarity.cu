// CUDA twins of the fused prototype steps: one thread per feature cell for the classes, one per
// output voxel for the nearest gather, one per channel for the masked sums (each summing its
// channel over the cells in order, as the CPU does, so no atomics and the same sums).
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

struct GatherGeometry {
  int64_t gx, gy, gz, ox, oy, oz;
};

__global__ void gather_kernel(const uint8_t* in, GatherGeometry g, uint8_t* out) {
  const int64_t v = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (v >= g.ox * g.oy * g.oz) return;
  const int64_t x = v / (g.oy * g.oz), y = (v / g.oz) % g.oy, z = v % g.oz;
  const int64_t sx = legacy_nearest_index(x, g.gx, g.ox);
  const int64_t sy = legacy_nearest_index(y, g.gy, g.oy);
  const int64_t sz = legacy_nearest_index(z, g.gz, g.oz);
  out[v] = in[(sx * g.gy + sy) * g.gz + sz];
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

void nearest_gather(const Tensor& cells, const Tensor& out) {
  const GatherGeometry g{cells.size(0), cells.size(1), cells.size(2),
                         out.size(0),   out.size(1),   out.size(2)};
  cudaStream_t stream = cudak::stream_for(out);
  gather_kernel<<<blocks_for("prototype_labels", out.numel()), kThreads, 0, stream>>>(
      cells.data<uint8_t>(), g, out.data<uint8_t>());
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
