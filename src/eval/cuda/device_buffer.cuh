// Scratch memory for the eval kernels: a typed block from the tensor core's stream-ordered pool,
// returned to it when the buffer goes out of scope (after the queued work, being stream-ordered).
#pragma once

#include <cstddef>

#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"
#include "tensor/device.h"
#include "tensor/memory.h"

namespace semisam::eval::cuda_impl {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer(size_t count, int device)
      : device_(Device::cuda(device)), bytes_(count * sizeof(T)),
        data_(static_cast<T*>(allocate_bytes(device_, bytes_))) {}
  ~DeviceBuffer() { free_bytes(device_, data_, bytes_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return data_; }

 private:
  Device device_;
  size_t bytes_;
  T* data_;
};

// Makes `device` current and returns the stream its eval work is queued on.
inline cudaStream_t eval_stream(int device) {
  CUDA_CHECK(cudaSetDevice(device));
  return semisam::cuda::current_stream(device);
}

}  // namespace semisam::eval::cuda_impl
