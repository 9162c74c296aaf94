// CPU reference of fill and strided, converting copy.
#include "kernels/copy.h"
#include "kernels/strided.h"

namespace semisam::ops::cpu {

void fill(const Tensor& t, double value) {
  StridedIndexer it = make_indexer(t, t.shape());
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v = T(compute_t<T>(value));
    T* p = t.data<T>();
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[it.offset(i)] = v;
  });
}

void copy(const Tensor& dst, const Tensor& src) {
  StridedIndexer id = make_indexer(dst, dst.shape()), is = make_indexer(src, dst.shape());
  dispatch_dtype(dst.dtype(), [&](auto dtag) {
    using D = decltype(dtag);
    dispatch_dtype(src.dtype(), [&](auto stag) {
      using S = decltype(stag);
      const S* ps = src.data<S>();
      D* pd = dst.data<D>();
      // Through double: exact for every value of every dtype we hold.
      for (int64_t i = 0, n = dst.numel(); i < n; ++i)
        pd[id.offset(i)] = D(compute_t<D>(double(compute_t<S>(ps[is.offset(i)]))));
    });
  });
}

}  // namespace semisam::ops::cpu
