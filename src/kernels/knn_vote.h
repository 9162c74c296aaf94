// SPEC §6 step 2's vote, fused: for each voxel of an uncertain case, V[c] = Σ_j w_j·[label_j == c]
// over its k neighbours' labels, each nearest-resized (PyTorch legacy) to the case's shape on the
// fly (never materialised), then argmax_c V with the first maximum winning. One launch per case.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::ops {

// On CUDA at most this many neighbours vote (each thread holds its voxel's labels in registers);
// the CPU has no limit.
constexpr int64_t kMaxVoteNeighbours = 32;

// labels: uint8 [Xj, Yj, Zj] contiguous volumes on one device, values below num_classes
// (unchecked here: ssl::knn_refine checks them); weights: one per label, summed in label order in
// double. Returns uint8 [out] on the labels' device.
Tensor knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
                const std::array<int64_t, 3>& out, int64_t num_classes);

namespace cpu {
void knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
              int64_t num_classes, const Tensor& out);
}
namespace cuda {
void knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
              int64_t num_classes, const Tensor& out);
}

}  // namespace semisam::ops
