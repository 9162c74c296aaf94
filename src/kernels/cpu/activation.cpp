// CPU reference of the activations: each element through the shared formulas in double.
#include "kernels/activation.h"
#include "kernels/norm_common.h"

namespace semisam::ops::cpu {

void activation(Activation a, const Tensor& x, double slope, const Tensor& out) {
  dispatch_floating(activation_name(a), x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data<T>();
    T* o = out.data<T>();
    for (int64_t i = 0, n = x.numel(); i < n; ++i)
      o[i] = T(compute_t<T>(act::forward<double>(a, double(in[i]), slope)));
  });
}

void activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved, double slope,
                         const Tensor& dx) {
  dispatch_floating(activation_name(a), saved.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = grad_out.data<T>();
    const T* s = saved.data<T>();
    T* d = dx.data<T>();
    for (int64_t i = 0, n = saved.numel(); i < n; ++i)
      d[i] = T(compute_t<T>(act::backward<double>(a, double(g[i]), double(s[i]), slope)));
  });
}

}  // namespace semisam::ops::cpu
