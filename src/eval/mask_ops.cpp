// Device dispatch and argument checks of the mask operations.
#include "eval/mask_ops.h"

#include "eval/backend.h"
#include "eval/cpu/mask_ops_cpu.h"
#include "eval/spacing.h"

namespace semisam::eval {

namespace {
void check_flat_uint8(const Tensor& t, const char* op, const char* what) {
  SEMISAM_CHECK(t.defined(), op, ": ", what, " is undefined");
  SEMISAM_CHECK(t.dtype() == DType::UInt8, op, ": ", what, " must be uint8, got ", t.str());
  SEMISAM_CHECK(t.is_contiguous(), op, ": ", what, " must be contiguous, got ", t.str());
}
}  // namespace

Tensor labels_equal(const Tensor& labels, uint8_t label) {
  check_flat_uint8(labels, "labels_equal", "labels");
  Tensor out = Tensor::empty(labels.shape(), DType::UInt8, labels.device());
  const int64_t n = labels.numel();
  if (n == 0) return out;
  if (labels.device().is_cpu()) {
    cpu::labels_equal(labels.data<uint8_t>(), n, label, out.data<uint8_t>());
  } else {
#if SEMISAM_HAS_CUDA
    cuda_impl::labels_equal(labels.data<uint8_t>(), n, label, out.data<uint8_t>(),
                            labels.device().index);
#else
    detail::fail_without_cuda("labels_equal", labels);
#endif
  }
  return out;
}

OverlapCounts overlap_counts(const Tensor& a, const Tensor& b) {
  check_flat_uint8(a, "overlap_counts", "first mask");
  check_flat_uint8(b, "overlap_counts", "second mask");
  check_same_layout(a, b, "overlap_counts");
  const int64_t n = a.numel();
  if (n == 0) return {};
  if (a.device().is_cpu()) return cpu::overlap_counts(a.data<uint8_t>(), b.data<uint8_t>(), n);
#if SEMISAM_HAS_CUDA
  return cuda_impl::overlap_counts(a.data<uint8_t>(), b.data<uint8_t>(), n, a.device().index);
#else
  detail::fail_without_cuda("overlap_counts", a);
#endif
}

std::vector<double> values_at_nonzero(const Tensor& values, const Tensor& flags) {
  check_flat_uint8(flags, "values_at_nonzero", "flags");
  SEMISAM_CHECK(values.defined() && values.dtype() == DType::Float64 && values.is_contiguous(),
                "values_at_nonzero: values must be contiguous float64, got ", values.str());
  check_same_layout(values, flags, "values_at_nonzero");
  const int64_t n = values.numel();
  if (n == 0) return {};
  if (values.device().is_cpu())
    return cpu::values_at_nonzero(values.data<double>(), flags.data<uint8_t>(), n);
#if SEMISAM_HAS_CUDA
  return cuda_impl::values_at_nonzero(values.data<double>(), flags.data<uint8_t>(), n,
                                      values.device().index);
#else
  detail::fail_without_cuda("values_at_nonzero", values);
#endif
}

double dice_from(const OverlapCounts& c) {
  return 2.0 * double(c.intersection) / double(c.a + c.b);
}

}  // namespace semisam::eval
