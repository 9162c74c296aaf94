// CPU reference of dropout: one Philox draw per decision group, scaling in the kernel's type.
#include "kernels/dropout.h"
#include "kernels/dropout_rule.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cpu {

void dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size,
             const Tensor& out) {
  dispatch_floating("dropout", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;  // the kernel's arithmetic, so kept values match the CUDA ones bit for bit
    A scale = A(dropout_rule::scale(p));
    const T* in = x.data<T>();
    T* o = out.data<T>();
    int64_t n = x.numel();
    for (int64_t group = 0; group * group_size < n; ++group) {
      bool keep = dropout_rule::keeps(float(p), seed, offset, uint64_t(group));
      for (int64_t i = group * group_size; i < (group + 1) * group_size; ++i)
        o[i] = keep ? T(compute_t<T>(A(compute_t<T>(in[i])) * scale)) : T(compute_t<T>(0));
    }
  });
}

}  // namespace semisam::ops::cpu
