// Dtype dispatch for CUDA kernels: the same C++ types as the host (our bfloat16/float16 structs
// convert on the device too), plus launch helpers.
#pragma once

#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"
#include "tensor/dtype.h"
#include "tensor/tensor.h"

namespace semisam::ops::cudak {

// Sets the tensor's device current and returns its current stream.
inline cudaStream_t stream_for(const Tensor& t) {
  CUDA_CHECK(cudaSetDevice(t.device().index));
  return semisam::cuda::current_stream(t.device().index);
}

}  // namespace semisam::ops::cudak
