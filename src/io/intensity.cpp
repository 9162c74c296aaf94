// Per-case z-score normalisation.
#include "io/intensity.h"

#include <cmath>

#include "tensor/error.h"

namespace semisam::io {

Normalization parse_normalization(const std::string& text, const std::string& flag) {
  if (text == "zscore") return Normalization::ZScore;
  if (text == "none") return Normalization::None;
  SEMISAM_FAIL(flag, " '", text, "': expected zscore or none");
}

const char* normalization_name(Normalization n) {
  return n == Normalization::ZScore ? "zscore" : "none";
}

void zscore_normalize(Tensor& volume, const std::string& what) {
  SEMISAM_CHECK(volume.dtype() == DType::Float32 && volume.device().is_cpu() &&
                    volume.is_contiguous(),
                what, ": z-score normalisation needs a contiguous float32 CPU volume, got ",
                volume.str());
  float* v = volume.data<float>();
  const int64_t n = volume.numel();
  SEMISAM_CHECK(n > 0, what, ": an empty volume cannot be normalised");
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += v[i];
  const double mean = sum / double(n);
  double squares = 0.0;
  for (int64_t i = 0; i < n; ++i) squares += (v[i] - mean) * (v[i] - mean);
  const double std = std::sqrt(squares / double(n));
  SEMISAM_CHECK(std > 0.0 && std::isfinite(std), what, ": the image is constant (every voxel ",
                mean, "), so it cannot be z-score normalised");
  for (int64_t i = 0; i < n; ++i) v[i] = float((v[i] - mean) / std);
}

}  // namespace semisam::io
