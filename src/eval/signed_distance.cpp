// Device dispatch, batching and argument checks of the DTC signed distance map.
#include "eval/signed_distance.h"

#include <vector>

#include "eval/backend.h"
#include "eval/cpu/signed_distance_cpu.h"

namespace semisam::eval {

Tensor signed_distance_map(const Tensor& mask, DType out_dtype, const Spacing& spacing) {
  const char* op = "signed_distance_map";
  SEMISAM_CHECK(mask.defined(), op, ": mask is undefined");
  SEMISAM_CHECK(mask.dim() == 3 || mask.dim() == 4, op,
                ": mask must be [X, Y, Z] or [B, X, Y, Z], got ", mask.str());
  SEMISAM_CHECK(mask.dtype() == DType::UInt8, op, ": mask must be uint8, got ", mask.str());
  SEMISAM_CHECK(mask.is_contiguous(), op, ": mask must be contiguous, got ", mask.str());
  SEMISAM_CHECK(out_dtype == DType::Float32 || out_dtype == DType::Float64, op,
                ": out_dtype must be float32 or float64, got ", dtype_name(out_dtype));
  check_spacing(spacing, op);
  const int64_t d = mask.dim();
  const int64_t batch = d == 4 ? mask.size(0) : 1;
  const Extent e{mask.size(d - 3), mask.size(d - 2), mask.size(d - 1)};
  const int64_t n = e.numel();
  Tensor out = Tensor::empty(mask.shape(), out_dtype, mask.device());
  if (batch * n == 0) return out;
  const bool f64 = out_dtype == DType::Float64;
  const uint8_t* in = mask.data<uint8_t>();

  if (mask.device().is_cpu()) {
    std::vector<double> sample(static_cast<size_t>(n));
    for (int64_t b = 0; b < batch; ++b) {
      double* dst = f64 ? out.data<double>() + b * n : sample.data();
      cpu::signed_distance_sample(in + b * n, e, spacing, dst);
      if (!f64) {
        float* o = out.data<float>() + b * n;
        for (int64_t i = 0; i < n; ++i) o[i] = float(sample[size_t(i)]);
      }
    }
    return out;
  }
#if SEMISAM_HAS_CUDA
  for (int64_t b = 0; b < batch; ++b) {
    void* dst = f64 ? static_cast<void*>(out.data<double>() + b * n)
                    : static_cast<void*>(out.data<float>() + b * n);
    cuda_impl::signed_distance_sample(in + b * n, e, spacing, f64, dst, mask.device().index);
  }
  return out;
#else
  detail::fail_without_cuda(op, mask);
#endif
}

}  // namespace semisam::eval
