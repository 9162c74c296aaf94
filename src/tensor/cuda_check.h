// CUDA_CHECK / CUDNN_CHECK / CUBLAS_CHECK: throw semisam::Error with the library's own error
// string. Include only from code compiled with the CUDA backend.
#pragma once

#include <cuda_runtime.h>

#include "tensor/error.h"

namespace semisam::detail {
const char* cublas_status_name(int status);
}  // namespace semisam::detail

namespace semisam::cuda {
// SEMISAM_SYNC_DEBUG=1 (read once): every launch check also synchronises the device, so a kernel
// fault is reported at the launch that caused it rather than at the next copy or sync.
bool sync_debug();
// The launch check behind CUDA_CHECK_LAUNCH: reports first a failed stream-ordered free recorded
// since the last check (free_bytes cannot throw), then the launch's own error, then — in sync
// debug mode — the kernel's execution error. `where` is "file:line" of the launch.
void check_launch(const char* file, int line);
}  // namespace semisam::cuda

#define CUDA_CHECK(expr)                                                                    \
  do {                                                                                      \
    cudaError_t semisam_cuda_err_ = (expr);                                                 \
    if (semisam_cuda_err_ != cudaSuccess)                                                   \
      ::semisam::throw_error("CUDA", #expr, cudaGetErrorString(semisam_cuda_err_), __FILE__, \
                             __LINE__);                                                     \
  } while (0)

// Checks the launch that just happened on this thread (bad configuration, missing image; with
// SEMISAM_SYNC_DEBUG=1 also faults during its execution).
#define CUDA_CHECK_LAUNCH() ::semisam::cuda::check_launch(__FILE__, __LINE__)

#define CUBLAS_CHECK(expr)                                                                  \
  do {                                                                                      \
    int semisam_cublas_err_ = static_cast<int>(expr);                                       \
    if (semisam_cublas_err_ != 0)                                                           \
      ::semisam::throw_error("cuBLAS", #expr,                                               \
                             ::semisam::detail::cublas_status_name(semisam_cublas_err_),    \
                             __FILE__, __LINE__);                                           \
  } while (0)

// CUDNN_CHECK lives in kernels/cuda/cudnn_check.h, beside the only code that calls cuDNN.
