// Device dispatch and argument checks of surface extraction.
#include "eval/surface.h"

#include "eval/backend.h"
#include "eval/cpu/surface_cpu.h"
#include "eval/spacing.h"

namespace semisam::eval {

namespace {
Tensor face_boundary(const Tensor& mask, bool outside_is_background, const char* op) {
  const Extent e = check_mask(mask, op, "mask");
  Tensor out = Tensor::empty(mask.shape(), DType::UInt8, mask.device());
  if (e.numel() == 0) return out;
  if (mask.device().is_cpu()) {
    cpu::face_boundary(mask.data<uint8_t>(), e, outside_is_background, out.data<uint8_t>());
    return out;
  }
#if SEMISAM_HAS_CUDA
  if (outside_is_background)
    cuda_impl::surface_voxels(mask.data<uint8_t>(), e, out.data<uint8_t>(), mask.device().index);
  else
    cuda_impl::inner_boundary(mask.data<uint8_t>(), e, out.data<uint8_t>(), mask.device().index);
  return out;
#else
  detail::fail_without_cuda(op, mask);
#endif
}
}  // namespace

Tensor surface_voxels(const Tensor& mask) { return face_boundary(mask, true, "surface_voxels"); }
Tensor inner_boundary(const Tensor& mask) { return face_boundary(mask, false, "inner_boundary"); }

}  // namespace semisam::eval
