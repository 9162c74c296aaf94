// Lazily created cuBLAS handles, destroyed when their thread ends.
#include "kernels/cuda/cublas_handle.h"

#include <unordered_map>

#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"

namespace semisam::ops::cudak {
namespace {

struct Handles {
  std::unordered_map<int, cublasHandle_t> by_device;
  ~Handles() {
    for (auto& [device, handle] : by_device) cublasDestroy(handle);  // destructor: log nothing
  }
};
thread_local Handles handles;

}  // namespace

cublasHandle_t cublas_handle(int device) {
  auto it = handles.by_device.find(device);
  cublasHandle_t handle;
  if (it == handles.by_device.end()) {
    CUDA_CHECK(cudaSetDevice(device));
    CUBLAS_CHECK(cublasCreate(&handle));
    handles.by_device[device] = handle;
  } else {
    handle = it->second;
  }
  CUBLAS_CHECK(cublasSetStream(handle, semisam::cuda::current_stream(device)));
  return handle;
}

}  // namespace semisam::ops::cudak
