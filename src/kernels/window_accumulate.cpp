// Entry points of the fused sliding-window accumulation and finalize: shape, dtype and device
// checks, then the backend.
#include "kernels/window_accumulate.h"

#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

void check_float32_contiguous(const char* op, const char* what, const Tensor& t, int64_t dim) {
  SEMISAM_CHECK(t.defined() && t.dim() == dim && t.dtype() == DType::Float32 && t.is_contiguous() &&
                    t.numel() > 0,
                op, ": ", what, " must be a non-empty contiguous float32 tensor of ", dim,
                " axes, got ", t.defined() ? t.str() : std::string("an undefined tensor"));
}

void check_volume_pair(const char* op, const Tensor& score, const Tensor& visits) {
  check_float32_contiguous(op, "score", score, 4);
  check_float32_contiguous(op, "visits", visits, 3);
  check_same_device(op, score, visits);
  SEMISAM_CHECK(score.size(1) == visits.size(0) && score.size(2) == visits.size(1) &&
                    score.size(3) == visits.size(2),
                op, ": score ", score.str(), " and visits ", visits.str(),
                " cover different volumes");
  SEMISAM_CHECK(score.size(0) <= 256, op, ": ", score.size(0),
                " classes; labels are uint8, at most 256");
}

}  // namespace

void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin) {
  const char* op = "window_accumulate";
  check_volume_pair(op, score, visits);
  check_float32_contiguous(op, "logits", logits, 4);
  check_same_device(op, score, logits);
  SEMISAM_CHECK(logits.size(0) == score.size(0), op, ": logits ", logits.str(), " and score ",
                score.str(), " have different class counts");
  for (int64_t a = 0; a < 3; ++a)
    SEMISAM_CHECK(origin[a] >= 0 && origin[a] + logits.size(a + 1) <= score.size(a + 1), op,
                  ": window ", logits.str(), " at [", origin[0], ", ", origin[1], ", ", origin[2],
                  "] leaves the volume ", score.str());
  by_device(
      op, score.device(), [&] { cpu::window_accumulate(score, visits, logits, origin); },
      [&] { cuda::window_accumulate(score, visits, logits, origin); });
}

WindowFinalizeResult window_finalize(const Tensor& score, const Tensor& visits,
                                     const WindowFinalizeRequest& request) {
  const char* op = "window_finalize";
  check_volume_pair(op, score, visits);
  for (int64_t a = 0; a < 3; ++a)
    SEMISAM_CHECK(request.crop_origin[a] >= 0 && request.crop_size[a] >= 1 &&
                      request.crop_origin[a] + request.crop_size[a] <= visits.size(a),
                  op, ": crop of size [", request.crop_size[0], ", ", request.crop_size[1], ", ",
                  request.crop_size[2], "] at [", request.crop_origin[0], ", ",
                  request.crop_origin[1], ", ", request.crop_origin[2], "] leaves the volume ",
                  visits.str());
  WindowFinalizeResult result;
  result.label = Tensor::empty({request.crop_size[0], request.crop_size[1], request.crop_size[2]},
                               DType::UInt8, score.device());
  by_device(
      op, score.device(),
      [&] { result.mean_entropy = cpu::window_finalize(score, visits, request, result.label); },
      [&] { result.mean_entropy = cuda::window_finalize(score, visits, request, result.label); });
  return result;
}

}  // namespace semisam::ops
