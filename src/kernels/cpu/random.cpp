// CPU random fills: element i takes stream element offset + i.
#include "kernels/random.h"
#include "tensor/philox.h"

namespace semisam::ops::cpu {

namespace {
// Element i takes stream element offset + i: low + scale·u (uniform) or low + scale·z (normal).
void fill_random(const Tensor& t, uint64_t seed, uint64_t offset, bool normal, double low,
                 double scale) {
  dispatch_floating(normal ? "normal_" : "uniform_", t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) {
      uint64_t g = offset + uint64_t(i);
      double x = normal ? double(philox::normal(seed, g)) : double(philox::uniform(seed, g));
      p[i] = T(C(low + scale * x));
    }
  });
}
}  // namespace

void uniform(const Tensor& t, uint64_t seed, uint64_t offset, double low, double high) {
  fill_random(t, seed, offset, false, low, high - low);
}

void normal(const Tensor& t, uint64_t seed, uint64_t offset, double mean, double std) {
  fill_random(t, seed, offset, true, mean, std);
}

}  // namespace semisam::ops::cpu
