// CUDNN_CHECK: throws semisam::Error with cuDNN's own description of a failed status.
#pragma once

#include <cudnn.h>

#include "tensor/error.h"

#define CUDNN_CHECK(expr)                                                                     \
  do {                                                                                        \
    cudnnStatus_t semisam_cudnn_err_ = (expr);                                                \
    if (semisam_cudnn_err_ != CUDNN_STATUS_SUCCESS)                                           \
      ::semisam::throw_error("cuDNN", #expr, cudnnGetErrorString(semisam_cudnn_err_), __FILE__, \
                             __LINE__);                                                       \
  } while (0)
