// Which CPU kernels run: the fast paths (oneDNN convolution, OpenBLAS GEMM) or the plain
// reference loops. The reference loops stay the float64 judge of every test; the fast paths serve
// float32 (and the half types, computed through float32) when the libraries were built in.
#pragma once

#include "tensor/dtype.h"

namespace semisam::ops {

enum class CpuKernels { Fast, Reference };

// Default Fast; SEMISAM_CPU_KERNELS=reference in the environment selects the reference loops
// (for before/after benchmarks and for checking a suspected fast-path bug).
CpuKernels cpu_kernels();
void set_cpu_kernels(CpuKernels kernels);

// True when the fast path exists in this build for these libraries.
bool onednn_compiled();
bool openblas_compiled();

// The fast convolution / GEMM applies to this dtype right now.
bool use_fast_conv(DType dtype);
bool use_fast_gemm(DType dtype);

// Scope guard for tests and benchmarks: selects kernels, restores the previous choice.
class CpuKernelsGuard {
 public:
  explicit CpuKernelsGuard(CpuKernels kernels) : previous_(cpu_kernels()) {
    set_cpu_kernels(kernels);
  }
  ~CpuKernelsGuard() { set_cpu_kernels(previous_); }
  CpuKernelsGuard(const CpuKernelsGuard&) = delete;
  CpuKernelsGuard& operator=(const CpuKernelsGuard&) = delete;

 private:
  CpuKernels previous_;
};

}  // namespace semisam::ops
