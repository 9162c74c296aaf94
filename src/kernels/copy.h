// Filling, copying, casting and moving tensors between devices.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace semisam::ops {

// Sets every element of `t` (any strides) to `value` converted to its dtype.
void fill_(const Tensor& t, double value);
Tensor full(const Shape& shape, double value, DType dtype, Device device = Device::cpu());
inline Tensor ones(const Shape& shape, DType dtype, Device device = Device::cpu()) {
  return full(shape, 1.0, dtype, device);
}
// Copies src into dst elementwise (same shape; any strides; dtype converted; any devices).
void copy_(const Tensor& dst, const Tensor& src);
Tensor cast(const Tensor& t, DType dtype);           // returns t itself when already that dtype
Tensor contiguous(const Tensor& t);                  // returns t itself when already contiguous
Tensor clone(const Tensor& t);                       // always a fresh contiguous copy
Tensor to_device(const Tensor& t, Device device);    // returns t itself when already there
Tensor reshape(const Tensor& t, const Shape& shape);  // a view when possible, else a copy

// Reads a tensor into host memory as T (converted), in row-major order.
template <typename T>
std::vector<T> to_vector(const Tensor& t);
// The single element of a one-element tensor, as double.
double item(const Tensor& t);

namespace cpu {
void fill(const Tensor& t, double value);
void copy(const Tensor& dst, const Tensor& src);  // same device
}  // namespace cpu
namespace cuda {
void fill(const Tensor& t, double value);
void copy(const Tensor& dst, const Tensor& src);  // same device
}  // namespace cuda

}  // namespace semisam::ops
