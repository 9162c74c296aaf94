// Entry point of the fused KNN vote: checks, then one backend call for the case.
#include "kernels/knn_vote.h"

#include "kernels/dispatch.h"

namespace semisam::ops {

Tensor knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
                const std::array<int64_t, 3>& out, int64_t num_classes) {
  const char* op = "knn_vote";
  SEMISAM_CHECK(!labels.empty() && labels.size() == weights.size(), op, ": ", labels.size(),
                " labels and ", weights.size(), " weights; need at least one of each, as many");
  SEMISAM_CHECK(num_classes >= 1 && num_classes <= 256, op, ": num_classes must be in [1, 256], ",
                "got ", num_classes);
  SEMISAM_CHECK(out[0] >= 1 && out[1] >= 1 && out[2] >= 1, op, ": output shape [", out[0], ", ",
                out[1], ", ", out[2], "] has an empty axis");
  const Device device = labels[0].defined() ? labels[0].device() : Device::cpu();
  for (size_t j = 0; j < labels.size(); ++j) {
    const Tensor& l = labels[j];
    SEMISAM_CHECK(l.defined() && l.dim() == 3 && l.dtype() == DType::UInt8 && l.is_contiguous() &&
                      l.numel() > 0,
                  op, ": labels[", j, "] must be a non-empty contiguous uint8 [X, Y, Z], got ",
                  l.defined() ? l.str() : std::string("an undefined tensor"));
    SEMISAM_CHECK(l.device() == device, op, ": labels[", j, "] is on ", l.device().str(),
                  ", labels[0] on ", device.str());
  }
  SEMISAM_CHECK(device.is_cpu() || int64_t(labels.size()) <= kMaxVoteNeighbours, op, ": ",
                labels.size(), " neighbours; on CUDA at most ", kMaxVoteNeighbours, " vote");
  Tensor result = Tensor::empty({out[0], out[1], out[2]}, DType::UInt8, device);
  by_device(
      op, device, [&] { cpu::knn_vote(labels, weights, num_classes, result); },
      [&] { cuda::knn_vote(labels, weights, num_classes, result); });
  return result;
}

}  // namespace semisam::ops
