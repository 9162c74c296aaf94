// Entry point of dropout: checks, allocation, dispatch.
#include "kernels/dropout.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"
#include "kernels/dropout_rule.h"

namespace semisam::ops {

bool dropout_keeps(double p, uint64_t seed, uint64_t offset, uint64_t group) {
  return dropout_rule::keeps(float(p), seed, offset, group);
}

Tensor dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size) {
  check_floating("dropout", x);
  SEMISAM_CHECK(p >= 0.0 && p <= 1.0, "dropout: probability ", p, " outside [0, 1]");
  SEMISAM_CHECK(group_size >= 1 && (x.numel() == 0 || x.numel() % group_size == 0),
                "dropout: group size ", group_size, " does not divide ", x.str());
  Tensor xc = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.numel() == 0) return out;
  by_device("dropout", x.device(), [&] { cpu::dropout(xc, p, seed, offset, group_size, out); },
            [&] { cuda::dropout(xc, p, seed, offset, group_size, out); });
  return out;
}

}  // namespace semisam::ops
