// Argument checks shared by the public entry points of src/eval.
#include "eval/spacing.h"

#include <cmath>

namespace semisam::eval {

void check_spacing(const Spacing& spacing, const char* op) {
  for (int a = 0; a < 3; ++a) {
    const double s = spacing.axis(a);
    SEMISAM_CHECK(std::isfinite(s) && s > 0.0, op, ": spacing must be finite and positive, got (",
                  spacing.x, ", ", spacing.y, ", ", spacing.z, ")");
  }
}

Extent check_mask(const Tensor& t, const char* op, const char* what) {
  SEMISAM_CHECK(t.defined(), op, ": ", what, " is undefined");
  SEMISAM_CHECK(t.dim() == 3, op, ": ", what, " must be [X, Y, Z], got ", t.str());
  SEMISAM_CHECK(t.dtype() == DType::UInt8, op, ": ", what, " must be uint8, got ", t.str());
  SEMISAM_CHECK(t.is_contiguous(), op, ": ", what, " must be contiguous, got ", t.str());
  return {t.size(0), t.size(1), t.size(2)};
}

void check_same_layout(const Tensor& a, const Tensor& b, const char* op) {
  SEMISAM_CHECK(a.shape() == b.shape(), op, ": shapes differ, ", shape_str(a.shape()), " vs ",
                shape_str(b.shape()));
  SEMISAM_CHECK(a.device() == b.device(), op, ": devices differ, ", a.device().str(), " vs ",
                b.device().str());
}

}  // namespace semisam::eval
