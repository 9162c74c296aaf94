// What the dispatching entry points of src/eval need to reach the CUDA backend, and the error
// a CUDA tensor meets in a build without it.
#pragma once

#include "tensor/tensor.h"

#ifndef SEMISAM_HAS_CUDA
#define SEMISAM_HAS_CUDA 0
#endif
#if SEMISAM_HAS_CUDA
#include "eval/cuda/eval_cuda.h"
#endif

namespace semisam::eval::detail {

[[noreturn]] inline void fail_without_cuda(const char* op, const Tensor& t) {
  SEMISAM_FAIL(op, ": got ", t.str(), " but this build has no CUDA backend (SEMISAM_CUDA=OFF)");
}

}  // namespace semisam::eval::detail
