// Lazily created cuDNN handles, destroyed when their thread ends.
#include "kernels/cuda/cudnn_handle.h"

#include <unordered_map>

#include "kernels/cuda/cudnn_check.h"
#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"

namespace semisam::ops::cudak {
namespace {

struct Handles {
  std::unordered_map<int, cudnnHandle_t> by_device;
  ~Handles() {
    for (auto& [device, handle] : by_device) cudnnDestroy(handle);  // destructor: log nothing
  }
};
thread_local Handles handles;

}  // namespace

cudnnHandle_t cudnn_handle(int device) {
  auto it = handles.by_device.find(device);
  cudnnHandle_t handle;
  if (it == handles.by_device.end()) {
    CUDA_CHECK(cudaSetDevice(device));
    CUDNN_CHECK(cudnnCreate(&handle));
    handles.by_device[device] = handle;
  } else {
    handle = it->second;
  }
  CUDNN_CHECK(cudnnSetStream(handle, semisam::cuda::current_stream(device)));
  return handle;
}

}  // namespace semisam::ops::cudak
