// CPU elementwise family: one plain loop over output elements, cut into fixed
// chunks on the shared pool (each element is computed alone, so the thread
// count never changes a result).
#include "kernels/elementwise.h"
#include "kernels/strided.h"
#include "tensor/parallel.h"

#include <algorithm>

namespace semisam::ops::cpu {
namespace {
// Elements per chunk: enough work to amortise waking the pool.
constexpr int64_t kElementGrain = int64_t(1) << 15;
}  // namespace

namespace {

// Stride of `t` along the last axis of `shape` once broadcast to it (0 when broadcast).
int64_t last_axis_stride(const Tensor& t, const Shape& shape) {
  if (t.dim() == 0 || shape.empty()) return 0;
  if (t.size(-1) == 1 && shape.back() != 1) return 0;
  return t.strides().back();
}

// Row by row: each output row (the last axis) starts at the indexers' offsets of its first
// element and walks both inputs with their last-axis strides, so the inner loop is a plain
// (vectorisable) loop with the operation fixed outside it. The same arithmetic as the element
// loop, so the same bits.
template <typename T, typename C, typename Op>
void binary_rows(const StridedIndexer& ia, const StridedIndexer& ib, int64_t sa, int64_t sb,
                 int64_t rows, int64_t inner, const T* pa, const T* pb, T* po, Op op) {
  parallel_for(rows, std::max<int64_t>(1, kElementGrain / inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T* a = pa + ia.offset(r * inner);
      const T* b = pb + ib.offset(r * inner);
      T* o = po + r * inner;
      if (sa == 1 && sb == 1) {
        for (int64_t k = 0; k < inner; ++k) o[k] = T(op(C(a[k]), C(b[k])));
      } else if (sa == 1 && sb == 0) {
        const C bv = C(b[0]);
        for (int64_t k = 0; k < inner; ++k) o[k] = T(op(C(a[k]), bv));
      } else if (sa == 0 && sb == 1) {
        const C av = C(a[0]);
        for (int64_t k = 0; k < inner; ++k) o[k] = T(op(av, C(b[k])));
      } else {
        for (int64_t k = 0; k < inner; ++k) o[k] = T(op(C(a[k * sa]), C(b[k * sb])));
      }
    }
  });
}

}  // namespace

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  StridedIndexer ia = make_indexer(a, out.shape()), ib = make_indexer(b, out.shape());
  const int64_t inner = out.dim() ? out.size(-1) : 1;
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* po = out.data<T>();
    if (inner >= 8 && out.is_contiguous()) {
      const int64_t rows = out.numel() / inner;
      const int64_t sa = last_axis_stride(a, out.shape()), sb = last_axis_stride(b, out.shape());
      auto rows_with = [&](auto fn) {
        binary_rows<T, C>(ia, ib, sa, sb, rows, inner, pa, pb, po, fn);
      };
      switch (op) {
        case BinaryOp::Add:
          return rows_with([](C x, C y) { return x + y; });
        case BinaryOp::Sub:
          return rows_with([](C x, C y) { return x - y; });
        case BinaryOp::Mul:
          return rows_with([](C x, C y) { return x * y; });
        case BinaryOp::Div:
          return rows_with([](C x, C y) { return x / y; });
        default:
          return rows_with([op](C x, C y) { return apply_binary<C>(op, x, y); });
      }
    }
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
