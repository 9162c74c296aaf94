// Creation and filling of the cuDNN descriptor owners.
#include "kernels/cuda/cudnn_descriptors.h"

#include "kernels/cuda/cudnn_check.h"

namespace semisam::ops::cudak {

TensorDescriptor::TensorDescriptor(cudnnDataType_t type, const std::array<int, 5>& dims,
                                   const std::array<int, 5>& strides) {
  CUDNN_CHECK(cudnnCreateTensorDescriptor(&handle_));
  CUDNN_CHECK(cudnnSetTensorNdDescriptor(handle_, type, 5, dims.data(), strides.data()));
}

FilterDescriptor::FilterDescriptor(cudnnDataType_t type, cudnnTensorFormat_t format,
                                   const std::array<int, 5>& dims) {
  CUDNN_CHECK(cudnnCreateFilterDescriptor(&handle_));
  CUDNN_CHECK(cudnnSetFilterNdDescriptor(handle_, type, format, 5, dims.data()));
}

ConvolutionDescriptor::ConvolutionDescriptor(const std::array<int, 3>& padding,
                                             const std::array<int, 3>& stride,
                                             cudnnDataType_t compute_type,
                                             cudnnMathType_t math_type) {
  const int dilation[3] = {1, 1, 1};
  CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&handle_));
  CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(handle_, 3, padding.data(), stride.data(), dilation,
                                              CUDNN_CROSS_CORRELATION, compute_type));
  set_math_type(math_type);
}

void ConvolutionDescriptor::set_math_type(cudnnMathType_t math_type) const {
  CUDNN_CHECK(cudnnSetConvolutionMathType(handle_, math_type));
}

}  // namespace semisam::ops::cudak
