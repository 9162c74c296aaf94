// CPU reference of the activations: each element through the shared formulas in double.
#include "kernels/activation.h"
#include "kernels/norm_common.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {
// Elements per chunk: enough work to amortise waking the pool.
constexpr int64_t kElementGrain = int64_t(1) << 15;
}  // namespace

void activation(Activation a, const Tensor& x, double slope, const Tensor& out) {
  dispatch_floating(activation_name(a), x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data<T>();
    T* o = out.data<T>();
    parallel_for(x.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        o[i] = T(compute_t<T>(act::forward<double>(a, double(in[i]), slope)));
    });
  });
}

void activation_backward(Activation a, const Tensor& grad_out, const Tensor& saved, double slope,
                         const Tensor& dx) {
  dispatch_floating(activation_name(a), saved.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = grad_out.data<T>();
    const T* s = saved.data<T>();
    T* d = dx.data<T>();
    parallel_for(saved.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        d[i] = T(compute_t<T>(act::backward<double>(a, double(g[i]), double(s[i]), slope)));
    });
  });
}

}  // namespace semisam::ops::cpu
