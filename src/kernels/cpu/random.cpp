// CPU random fills: element i takes stream element offset + i.
#include "kernels/random.h"
#include "tensor/philox.h"

namespace semisam::ops::cpu {

void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high) {
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i)
      p[i] = T(C(low + (high - low) * double(philox::uniform(seed, offset + uint64_t(i)))));
  });
}

void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std) {
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i)
      p[i] = T(C(mean + std * double(philox::normal(seed, offset + uint64_t(i)))));
  });
}

}  // namespace semisam::ops::cpu
