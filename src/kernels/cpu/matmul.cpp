// CPU matmul. float32 runs on OpenBLAS when the build has it (cpu/matmul_openblas.cpp); float64,
// the half types and everything under CpuKernels::Reference run the reference triple loop with
// floating sums in double.
#include "kernels/matmul.h"

#include "kernels/cpu/matmul_openblas.h"
#include "kernels/cpu_backend.h"

namespace semisam::ops::cpu {

void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
            const Tensor& out) {
  if (out.dtype() == DType::Float32 && use_fast_gemm(DType::Float32)) {
    openblas::matmul(a, b, transpose_a, transpose_b, out);
    return;
  }
  int64_t batches = out.size(0), m = out.size(1), n = out.size(2);
  int64_t k = transpose_a ? a.size(1) : a.size(2);
  int64_t a_cols = a.size(2), b_cols = b.size(2);
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    for (int64_t bi = 0; bi < batches; ++bi) {
      const T* pa = a.data<T>() + bi * a.size(1) * a_cols;
      const T* pb = b.data<T>() + (b.size(0) == 1 ? 0 : bi) * b.size(1) * b_cols;
      T* po = out.data<T>() + bi * m * n;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double acc = 0;
          for (int64_t p = 0; p < k; ++p) {
            C x = C(transpose_a ? pa[p * a_cols + i] : pa[i * a_cols + p]);
            C y = C(transpose_b ? pb[j * b_cols + p] : pb[p * b_cols + j]);
            acc += double(x) * double(y);
          }
          po[i * n + j] = T(C(acc));
        }
    }
  });
}

}  // namespace semisam::ops::cpu
