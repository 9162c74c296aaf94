// SPEC §6 step 1 case uncertainty: the mean voxel entropy of averaged sliding-window probabilities.
#include <cmath>

#include "kernels/copy.h"
#include "ssl/sliding_window.h"

namespace semisam::ssl {

namespace {

template <typename T>
double mean_entropy_host(const T* p, int64_t classes, int64_t voxels) {
  double total = 0.0;
  for (int64_t v = 0; v < voxels; ++v) {
    double sum = 0.0;
    for (int64_t c = 0; c < classes; ++c) sum += double(p[c * voxels + v]);
    const double scale = 1.0 / (sum + 1e-8);
    double h = 0.0;
    for (int64_t c = 0; c < classes; ++c) {
      const double q = double(p[c * voxels + v]) * scale;
      h -= q * std::log(q + 1e-8);
    }
    total += h;
  }
  return total / double(voxels);
}

}  // namespace

double mean_entropy(const Tensor& probabilities) {
  SEMISAM_CHECK(probabilities.defined(), "mean_entropy: probabilities are undefined");
  SEMISAM_CHECK(probabilities.dim() == 4 && probabilities.numel() > 0,
                "mean_entropy: probabilities must be a non-empty [C, X, Y, Z] tensor, got ",
                probabilities.str());
  SEMISAM_CHECK(probabilities.dtype() == DType::Float32 || probabilities.dtype() == DType::Float64,
                "mean_entropy: probabilities must be float32 or float64, got ",
                probabilities.str());
  // On the host, accumulating in double in voxel order, so the value does not depend on the
  // device or on reduction order.
  const Tensor host = ops::contiguous(ops::to_device(probabilities, Device::cpu()));
  const int64_t classes = host.size(0), voxels = host.numel() / classes;
  if (host.dtype() == DType::Float64)
    return mean_entropy_host(host.data<double>(), classes, voxels);
  return mean_entropy_host(host.data<float>(), classes, voxels);
}

}  // namespace semisam::ssl
