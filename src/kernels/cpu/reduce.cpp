// CPU reference of the row reductions: a sequential loop per row, float types summed in double.
#include "kernels/reduce.h"
#include "kernels/reduce_accumulate.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void reduce_rows(ReduceOp op, const Tensor& in, const Tensor& out) {
  int64_t rows = in.size(0), cols = in.size(1);
  dispatch_dtype(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* p = in.data<T>();
    parallel_for(rows, grain_for(cols), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* row = p + r * cols;
        if (op == ReduceOp::Sum || op == ReduceOp::Mean) {
          using Acc = std::conditional_t<std::is_floating_point_v<C>, double, int64_t>;
          Acc acc = 0;
          for (int64_t c = 0; c < cols; ++c) acc += Acc(C(row[c]));
          if (op == ReduceOp::Mean) {
            out.data<T>()[r] = T(C(double(acc) / double(cols)));
          } else if constexpr (std::is_floating_point_v<C>) {
            out.data<T>()[r] = T(C(acc));
          } else {
            out.data<int64_t>()[r] = int64_t(acc);
          }
        } else {
          C best = C(row[0]);
          int64_t best_i = 0;
          for (int64_t c = 1; c < cols; ++c)
            if (beats<C>(C(row[c]), c, best, best_i)) {
              best = C(row[c]);
              best_i = c;
            }
          if (op == ReduceOp::Max)
            out.data<T>()[r] = T(best);
          else
            out.data<int64_t>()[r] = best_i;
        }
      }
    });
  });
}

}  // namespace semisam::ops::cpu
