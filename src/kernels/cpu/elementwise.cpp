// CPU elementwise family: one plain loop over output elements, cut into fixed
// chunks on the shared pool (each element is computed alone, so the thread
// count never changes a result).
#include "kernels/elementwise.h"
#include "kernels/strided.h"
#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {
// Elements per chunk: enough work to amortise waking the pool.
constexpr int64_t kElementGrain = int64_t(1) << 15;
}  // namespace

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape()), ib = make_indexer(b, out.shape());
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        po[i] = T(apply_binary<C>(op, C(pa[ia.offset(i)]), C(pb[ib.offset(i)])));
    });
  });
}

void binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape());
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    C cs = C(s);
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        C x = C(pa[ia.offset(i)]);
        po[i] = T(scalar_first ? apply_binary<C>(op, cs, x) : apply_binary<C>(op, x, cs));
      }
    });
  });
}

void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape());
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* pa = a.data<T>();
    T* po = out.data<T>();
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) po[i] = T(apply_unary<C>(op, C(pa[ia.offset(i)])));
    });
  });
}

void compare(CompareOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape()), ib = make_indexer(b, out.shape());
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    uint8_t* po = out.data<uint8_t>();
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        po[i] = apply_compare<C>(op, C(pa[ia.offset(i)]), C(pb[ib.offset(i)])) ? 1 : 0;
    });
  });
}

void compare_scalar(CompareOp op, const Tensor& a, double s, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape());
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    uint8_t* po = out.data<uint8_t>();
    // Compare in double so an integer tensor against a fractional scalar
    // behaves exactly.
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        po[i] = apply_compare<double>(op, double(compute_t<T>(pa[ia.offset(i)])), s) ? 1 : 0;
    });
  });
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedIndexer ic = make_indexer(cond, out.shape()), ia = make_indexer(a, out.shape()),
                 ib = make_indexer(b, out.shape());
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const uint8_t* pc = cond.data<uint8_t>();
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    parallel_for(out.numel(), kElementGrain, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        po[i] = pc[ic.offset(i)] ? pa[ia.offset(i)] : pb[ib.offset(i)];
    });
  });
}

}  // namespace semisam::ops::cpu
