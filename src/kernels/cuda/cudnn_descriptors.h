// Move-only RAII owners of the cuDNN descriptors a convolution needs (tensor, filter,
// convolution); each is created, filled and destroyed with its owner.
#pragma once

#include <cudnn.h>

#include <array>
#include <utility>

namespace semisam::ops::cudak {

// Owns one descriptor handle H, released with Destroy.
template <typename H, cudnnStatus_t (*Destroy)(H)>
class CudnnDescriptor {
 public:
  CudnnDescriptor() = default;
  ~CudnnDescriptor() {
    if (handle_) Destroy(handle_);  // destructor: a failed destroy is not reported
  }
  CudnnDescriptor(CudnnDescriptor&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)) {}
  CudnnDescriptor& operator=(CudnnDescriptor&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  CudnnDescriptor(const CudnnDescriptor&) = delete;
  CudnnDescriptor& operator=(const CudnnDescriptor&) = delete;
  H get() const { return handle_; }

 protected:
  H handle_ = nullptr;
};

// A 5-D activation tensor [N, C, D, H, W] with explicit strides (NCDHW or channels-last).
class TensorDescriptor
    : public CudnnDescriptor<cudnnTensorDescriptor_t, cudnnDestroyTensorDescriptor> {
 public:
  TensorDescriptor(cudnnDataType_t type, const std::array<int, 5>& dims,
                   const std::array<int, 5>& strides);
};

// Weights [K, C, kD, kH, kW]; format CUDNN_TENSOR_NCHW stores them in that order,
// CUDNN_TENSOR_NHWC as [K, kD, kH, kW, C].
class FilterDescriptor
    : public CudnnDescriptor<cudnnFilterDescriptor_t, cudnnDestroyFilterDescriptor> {
 public:
  FilterDescriptor(cudnnDataType_t type, cudnnTensorFormat_t format,
                   const std::array<int, 5>& dims);
};

// Cross-correlation (PyTorch's convolution) with per-axis padding and stride, no dilation.
class ConvolutionDescriptor
    : public CudnnDescriptor<cudnnConvolutionDescriptor_t, cudnnDestroyConvolutionDescriptor> {
 public:
  ConvolutionDescriptor(const std::array<int, 3>& padding, const std::array<int, 3>& stride,
                        cudnnDataType_t compute_type, cudnnMathType_t math_type);
  void set_math_type(cudnnMathType_t math_type) const;
};

}  // namespace semisam::ops::cudak
