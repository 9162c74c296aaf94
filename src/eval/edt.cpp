// Device dispatch and argument checks of the Euclidean distance transforms.
#include "eval/edt.h"

#include "eval/backend.h"
#include "eval/cpu/edt_cpu.h"

namespace semisam::eval {

namespace {
Tensor transform(const Tensor& mask, bool source_is_nonzero, const Spacing& spacing, bool root,
                 const char* op) {
  const Extent e = check_mask(mask, op, "mask");
  check_spacing(spacing, op);
  Tensor out = Tensor::empty(mask.shape(), DType::Float64, mask.device());
  if (e.numel() == 0) return out;
  if (mask.device().is_cpu()) {
    cpu::squared_distance_to_sources(mask.data<uint8_t>(), source_is_nonzero, e, spacing,
                                     out.data<double>());
    if (root) cpu::sqrt_inplace(out.data<double>(), e.numel());
    return out;
  }
#if SEMISAM_HAS_CUDA
  const int device = mask.device().index;
  cuda_impl::squared_distance_to_sources(mask.data<uint8_t>(), source_is_nonzero, e, spacing,
                                         out.data<double>(), device);
  if (root) cuda_impl::sqrt_inplace(out.data<double>(), e.numel(), device);
  return out;
#else
  detail::fail_without_cuda(op, mask);
#endif
}
}  // namespace

Tensor distance_transform_edt(const Tensor& mask, const Spacing& spacing) {
  return transform(mask, false, spacing, true, "distance_transform_edt");
}

Tensor distance_to_nonzero(const Tensor& mask, const Spacing& spacing) {
  return transform(mask, true, spacing, true, "distance_to_nonzero");
}

Tensor squared_distance_to_sources(const Tensor& mask, bool source_is_nonzero,
                                   const Spacing& spacing) {
  return transform(mask, source_is_nonzero, spacing, false, "squared_distance_to_sources");
}

}  // namespace semisam::eval
