// CUDA_CHECK / CUDNN_CHECK / CUBLAS_CHECK: throw semisam::Error with the library's own error
// string. Include only from code compiled with the CUDA backend.
#pragma once

#include <cuda_runtime.h>

#include "tensor/error.h"

namespace semisam::detail {
const char* cublas_status_name(int status);
}  // namespace semisam::detail

#define CUDA_CHECK(expr)                                                                    \
  do {                                                                                      \
    cudaError_t semisam_cuda_err_ = (expr);                                                 \
    if (semisam_cuda_err_ != cudaSuccess)                                                   \
      ::semisam::throw_error("CUDA", #expr, cudaGetErrorString(semisam_cuda_err_), __FILE__, \
                             __LINE__);                                                     \
  } while (0)

// Checks the launch that just happened on this thread (bad configuration, missing image).
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())

#define CUBLAS_CHECK(expr)                                                                  \
  do {                                                                                      \
    int semisam_cublas_err_ = static_cast<int>(expr);                                       \
    if (semisam_cublas_err_ != 0)                                                           \
      ::semisam::throw_error("cuBLAS", #expr,                                               \
                             ::semisam::detail::cublas_status_name(semisam_cublas_err_),    \
                             __FILE__, __LINE__);                                           \
  } while (0)

// CUDNN_CHECK lives in kernels/cuda/cudnn_check.h, beside the only code that calls cuDNN.
