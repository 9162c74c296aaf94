// Helpers shared by the op entry points: operand checks and the CPU/CUDA choice.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace semisam::ops {

// Throws unless both tensors are defined, share a device and (when `same_dtype`) a dtype.
void check_same_device(const char* op, const Tensor& a, const Tensor& b);
void check_same_dtype(const char* op, const Tensor& a, const Tensor& b);
void check_defined(const char* op, const Tensor& t);
void check_floating(const char* op, const Tensor& t);

// Throws a clear error when a CUDA tensor reaches an op in a build without the CUDA backend.
void require_cuda_backend(const char* op);

// Runs cpu_fn() or cuda_fn() by device.
template <typename CpuFn, typename CudaFn>
void by_device(const char* op, Device device, CpuFn&& cpu_fn, CudaFn&& cuda_fn) {
  if (device.is_cpu()) {
    cpu_fn();
  } else {
#if SEMISAM_HAS_CUDA
    cuda_fn();
#else
    (void)cuda_fn;
    require_cuda_backend(op);
#endif
  }
}

}  // namespace semisam::ops
