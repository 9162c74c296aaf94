// CPU fill and strided, converting copy. Copies between tensors of one dtype move whole
// contiguous runs with memcpy (the U-Net's concatenations, contiguous(), clones); copies that
// convert go element by element through double, which is exact for every dtype we hold.
#include <algorithm>
#include <cstring>

#include "kernels/copy.h"
#include "kernels/strided.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {
// Elements per chunk: enough work to amortise waking the pool.
constexpr int64_t kElementGrain = int64_t(1) << 15;
// Elements in the longest trailing run of axes that is contiguous in both dst and src (src
// already expanded to dst's shape): 1 when the innermost axis is not.
int64_t contiguous_run(const Tensor& dst, const Tensor& src) {
  const Shape& shape = dst.shape();
  if (src.dim() != dst.dim()) return 1;
  int64_t run = 1;
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    const size_t a = size_t(d);
    if (shape[a] == 1) continue;
    if (dst.strides()[a] != run || src.strides()[a] != run) break;
    run *= shape[a];
  }
  return run;
}

}  // namespace

void fill(const Tensor& t, double value) {
  StridedIndexer it = make_indexer(t, t.shape());
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T v = T(compute_t<T>(value));
    T* p = t.data<T>();
    parallel_for(t.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) p[it.offset(i)] = v;
    });
  });
}

void copy(const Tensor& dst, const Tensor& src) {
  if (dst.dtype() == src.dtype() && src.shape() == dst.shape()) {
    const int64_t run = contiguous_run(dst, src), n = dst.numel();
    if (run >= 16 && n % run == 0) {
      StridedIndexer id = make_indexer(dst, dst.shape()), is = make_indexer(src, dst.shape());
      const size_t element = dst.element_size();
      char* pd = static_cast<char*>(dst.data_ptr());
      const char* ps = static_cast<const char*>(src.data_ptr());
      parallel_for(n / run, std::max<int64_t>(1, kElementGrain / run), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
          std::memcpy(pd + size_t(id.offset(r * run)) * element,
                      ps + size_t(is.offset(r * run)) * element, size_t(run) * element);
      });
      return;
    }
  }
  StridedIndexer id = make_indexer(dst, dst.shape()), is = make_indexer(src, dst.shape());
  dispatch_dtype(dst.dtype(), [&](auto dtag) {
    using D = decltype(dtag);
    dispatch_dtype(src.dtype(), [&](auto stag) {
      using S = decltype(stag);
      const S* ps = src.data<S>();
      D* pd = dst.data<D>();
      // Through double: exact for every value of every dtype we hold.
      parallel_for(dst.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
          pd[id.offset(i)] = D(compute_t<D>(double(compute_t<S>(ps[is.offset(i)]))));
      });
    });
  });
}

}  // namespace semisam::ops::cpu
