// CUDA twin of the fused KNN vote: one launch per case, one thread per output voxel; each thread
// reads its k neighbours' labels through the legacy nearest index computed on the fly.
#include "kernels/cuda/device_types.cuh"
#include "kernels/knn_vote.h"
#include "kernels/knn_vote_rule.h"
#include "kernels/nearest_index.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;

// Passed by value (kernel parameter space): a few hundred bytes for kMaxVoteNeighbours.
struct Neighbours {
  const uint8_t* label[kMaxVoteNeighbours];
  int64_t size[kMaxVoteNeighbours][3];
  double weight[kMaxVoteNeighbours];
  int64_t k, num_classes;
  int64_t out[3];
};

__global__ void vote_kernel(Neighbours n, uint8_t* dst) {
  const int64_t voxels = n.out[0] * n.out[1] * n.out[2];
  const int64_t v = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (v >= voxels) return;
  const int64_t x = v / (n.out[1] * n.out[2]), y = (v / n.out[2]) % n.out[1], z = v % n.out[2];
  uint8_t here[kMaxVoteNeighbours];
  for (int64_t j = 0; j < n.k; ++j) {
    const int64_t* s = n.size[j];
    const int64_t sx = legacy_nearest_index(x, s[0], n.out[0]);
    const int64_t sy = legacy_nearest_index(y, s[1], n.out[1]);
    const int64_t sz = legacy_nearest_index(z, s[2], n.out[2]);
    here[j] = n.label[j][(sx * s[1] + sy) * s[2] + sz];
  }
  dst[v] = uint8_t(knn_rule::vote(here, n.weight, n.k, n.num_classes));
}

}  // namespace

void knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
              int64_t num_classes, const Tensor& out) {
  Neighbours n{};
  n.k = int64_t(labels.size());
  n.num_classes = num_classes;
  for (int64_t a = 0; a < 3; ++a) n.out[a] = out.size(a);
  for (int64_t j = 0; j < n.k; ++j) {
    n.label[j] = labels[size_t(j)].data<uint8_t>();
    for (int64_t a = 0; a < 3; ++a) n.size[j][a] = labels[size_t(j)].size(a);
    n.weight[j] = weights[size_t(j)];
  }
  const int64_t blocks = (out.numel() + kThreads - 1) / kThreads;
  SEMISAM_CHECK(blocks < (int64_t(1) << 31), "knn_vote: ", out.numel(),
                " voxels exceed the CUDA grid");
  cudaStream_t stream = cudak::stream_for(out);
  vote_kernel<<<unsigned(blocks), kThreads, 0, stream>>>(n, out.data<uint8_t>());
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cuda
