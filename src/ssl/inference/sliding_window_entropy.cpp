// SPEC §6 step 1 case uncertainty: the mean voxel entropy of averaged sliding-window probabilities.
#include <cmath>

#include "kernels/copy.h"
#include "ssl/inference/sliding_window.h"

namespace semisam::ssl {

namespace {

// The entropy of voxel v (SPEC §6 step 1), in double.
template <typename T>
double entropy_at(const T* p, int64_t classes, int64_t voxels, int64_t v) {
  double sum = 0.0;
  for (int64_t c = 0; c < classes; ++c) sum += double(p[c * voxels + v]);
  const double scale = 1.0 / (sum + 1e-8);
  double h = 0.0;
  for (int64_t c = 0; c < classes; ++c) {
    const double q = double(p[c * voxels + v]) * scale;
    h -= q * std::log(q + 1e-8);
  }
  return h;
}

template <typename T>
double mean_entropy_host(const T* p, int64_t classes, int64_t voxels) {
  double total = 0.0;
  for (int64_t v = 0; v < voxels; ++v) total += entropy_at(p, classes, voxels, v);
  return total / double(voxels);
}

template <typename T>
void voxel_entropy_host(const T* p, int64_t classes, int64_t voxels, float* out) {
  for (int64_t v = 0; v < voxels; ++v) out[v] = float(entropy_at(p, classes, voxels, v));
}

void check_probabilities(const Tensor& probabilities, const char* op) {
  SEMISAM_CHECK(probabilities.defined(), op, ": probabilities are undefined");
  SEMISAM_CHECK(probabilities.dim() == 4 && probabilities.numel() > 0, op,
                ": probabilities must be a non-empty [C, X, Y, Z] tensor, got ",
                probabilities.str());
  SEMISAM_CHECK(probabilities.dtype() == DType::Float32 || probabilities.dtype() == DType::Float64,
                op, ": probabilities must be float32 or float64, got ", probabilities.str());
}

}  // namespace

double mean_entropy(const Tensor& probabilities) {
  check_probabilities(probabilities, "mean_entropy");
  // On the host, accumulating in double in voxel order, so the value does not depend on the
  // device or on reduction order.
  const Tensor host = ops::contiguous(ops::to_device(probabilities, Device::cpu()));
  const int64_t classes = host.size(0), voxels = host.numel() / classes;
  if (host.dtype() == DType::Float64)
    return mean_entropy_host(host.data<double>(), classes, voxels);
  return mean_entropy_host(host.data<float>(), classes, voxels);
}

Tensor voxel_entropy(const Tensor& probabilities) {
  check_probabilities(probabilities, "voxel_entropy");
  const Tensor host = ops::contiguous(ops::to_device(probabilities, Device::cpu()));
  const int64_t classes = host.size(0), voxels = host.numel() / classes;
  Shape shape(host.shape().begin() + 1, host.shape().end());
  Tensor out = Tensor::empty(shape, DType::Float32);
  if (host.dtype() == DType::Float64)
    voxel_entropy_host(host.data<double>(), classes, voxels, out.data<float>());
  else
    voxel_entropy_host(host.data<float>(), classes, voxels, out.data<float>());
  return out;
}

}  // namespace semisam::ssl
