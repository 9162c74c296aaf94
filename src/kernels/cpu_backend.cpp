// The CPU kernel choice (fast libraries or reference loops).
#include "kernels/cpu_backend.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include "tensor/error.h"

namespace semisam::ops {
namespace {

CpuKernels from_environment() {
  const char* env = std::getenv("SEMISAM_CPU_KERNELS");
  if (env == nullptr || std::string(env).empty() || std::string(env) == "fast")
    return CpuKernels::Fast;
  SEMISAM_CHECK(std::string(env) == "reference",
                "SEMISAM_CPU_KERNELS must be 'fast' or 'reference', got '", env, "'");
  return CpuKernels::Reference;
}

std::atomic<int>& setting() {
  static std::atomic<int> value{int(from_environment())};
  return value;
}

bool fast_dtype(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::BFloat16 || dtype == DType::Float16;
}

}  // namespace

CpuKernels cpu_kernels() { return CpuKernels(setting().load()); }
void set_cpu_kernels(CpuKernels kernels) { setting().store(int(kernels)); }

bool onednn_compiled() { return SEMISAM_HAS_ONEDNN != 0; }
bool openblas_compiled() { return SEMISAM_HAS_OPENBLAS != 0; }

bool use_fast_conv(DType dtype) {
  return onednn_compiled() && cpu_kernels() == CpuKernels::Fast && fast_dtype(dtype);
}
bool use_fast_gemm(DType dtype) {
  return openblas_compiled() && cpu_kernels() == CpuKernels::Fast && fast_dtype(dtype);
}

}  // namespace semisam::ops
