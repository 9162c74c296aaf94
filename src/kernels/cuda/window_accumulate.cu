// CUDA twins of the fused sliding-window steps. Accumulation: one thread per window voxel, the
// softmax exactly as the CUDA softmax op computes it (float, expf, times the reciprocal sum) with
// the product and the sum rounded separately (__fmul_rn/__fadd_rn, so no FMA contraction makes
// it differ from softmax-then-add). Finalize: one thread per voxel; per-block entropy sums in a
// fixed tree order, combined in block order on the host, so the mean is reproducible.
#include <vector>

#include "kernels/copy.h"
#include "kernels/cuda/device_types.cuh"
#include "kernels/window_accumulate.h"
#include "kernels/window_rules.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;

struct WindowGeometry {
  int64_t classes, px, py, pz;  // the window
  int64_t vy, vz, voxels;       // the volume (its x extent is implied)
  int64_t ox, oy, oz;           // the window's origin in the volume
};

__global__ void accumulate_kernel(const float* logits, WindowGeometry g, float* score,
                                  float* visits) {
  const int64_t window_voxels = g.px * g.py * g.pz;
  const int64_t w = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (w >= window_voxels) return;
  const int64_t i = w / (g.py * g.pz), j = (w / g.pz) % g.py, k = w % g.pz;
  const int64_t v = ((g.ox + i) * g.vy + g.oy + j) * g.vz + g.oz + k;
  const float* x = logits + w;
  float mx = -INFINITY;
  for (int64_t c = 0; c < g.classes; ++c) {
    const float xc = x[c * window_voxels];
    mx = (xc > mx || xc != xc) ? xc : mx;
  }
  float sum = 0.0f;
  for (int64_t c = 0; c < g.classes; ++c) sum += ::expf(x[c * window_voxels] - mx);
  const float inv_sum = 1.0f / sum;
  for (int64_t c = 0; c < g.classes; ++c) {
    const float p = __fmul_rn(::expf(x[c * window_voxels] - mx), inv_sum);
    float* s = score + c * g.voxels + v;
    *s = __fadd_rn(*s, p);
  }
  visits[v] = __fadd_rn(visits[v], 1.0f);
}

struct FinalizeGeometry {
  int64_t classes, vy, vz, voxels;
  int64_t crop_x, crop_y, crop_z;  // origin of the crop
  int64_t size_x, size_y, size_z;  // extent of the crop
  bool keep_probabilities, mean_entropy;
};

// kMaxClasses bounds the per-thread probability buffer (small for the usual 2–8 classes).
template <int kMaxClasses>
__global__ void finalize_kernel(float* score, const float* visits, FinalizeGeometry g,
                                uint8_t* label, double* block_entropy) {
  __shared__ double partial[kThreads];
  const int64_t v = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  double h = 0.0;
  if (v < g.voxels) {
    float p[kMaxClasses];
    const int64_t best =
        window_rule::average_and_argmax(score + v, g.voxels, g.classes, visits[v], p);
    const int64_t x = v / (g.vy * g.vz), y = (v / g.vz) % g.vy, z = v % g.vz;
    const int64_t lx = x - g.crop_x, ly = y - g.crop_y, lz = z - g.crop_z;
    if (lx >= 0 && lx < g.size_x && ly >= 0 && ly < g.size_y && lz >= 0 && lz < g.size_z)
      label[(lx * g.size_y + ly) * g.size_z + lz] = uint8_t(best);
    if (g.mean_entropy) h = window_rule::voxel_entropy(p, g.classes);
    if (g.keep_probabilities)
      for (int64_t c = 0; c < g.classes; ++c) score[c * g.voxels + v] = p[c];
  }
  partial[threadIdx.x] = h;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) block_entropy[blockIdx.x] = partial[0];
}

unsigned blocks_for(const char* op, int64_t n) {
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  SEMISAM_CHECK(blocks < (int64_t(1) << 31), op, ": ", n, " voxels exceed the CUDA grid");
  return unsigned(blocks);
}

}  // namespace

void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin) {
  const WindowGeometry g{logits.size(0), logits.size(1), logits.size(2), logits.size(3),
                         visits.size(1), visits.size(2), visits.numel(), origin[0],
                         origin[1],      origin[2]};
  cudaStream_t stream = cudak::stream_for(score);
  accumulate_kernel<<<blocks_for("window_accumulate", g.px * g.py * g.pz), kThreads, 0, stream>>>(
      logits.data<float>(), g, score.data<float>(), visits.data<float>());
  CUDA_CHECK_LAUNCH();
}

double window_finalize(const Tensor& score, const Tensor& visits,
                       const WindowFinalizeRequest& request, const Tensor& label) {
  const FinalizeGeometry g{score.size(0),
                           visits.size(1),
                           visits.size(2),
                           visits.numel(),
                           request.crop_origin[0],
                           request.crop_origin[1],
                           request.crop_origin[2],
                           request.crop_size[0],
                           request.crop_size[1],
                           request.crop_size[2],
                           request.keep_probabilities,
                           request.mean_entropy};
  const unsigned blocks = blocks_for("window_finalize", g.voxels);
  Tensor block_entropy = Tensor::empty({int64_t(blocks)}, DType::Float64, score.device());
  cudaStream_t stream = cudak::stream_for(score);
  if (g.classes <= 8)
    finalize_kernel<8><<<blocks, kThreads, 0, stream>>>(score.data<float>(), visits.data<float>(),
                                                        g, label.data<uint8_t>(),
                                                        block_entropy.data<double>());
  else
    finalize_kernel<256><<<blocks, kThreads, 0, stream>>>(score.data<float>(), visits.data<float>(),
                                                          g, label.data<uint8_t>(),
                                                          block_entropy.data<double>());
  CUDA_CHECK_LAUNCH();
  if (!request.mean_entropy) return 0.0;
  // Block sums combined in block order on the host: the same bits on every run.
  const std::vector<double> sums = to_vector<double>(block_entropy);
  double total = 0.0;
  for (double s : sums) total += s;
  return total / double(g.voxels);
}

}  // namespace semisam::ops::cuda
