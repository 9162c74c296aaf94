// Entry points of the copy family; cross-device copies go through contiguous staging buffers.
#include "kernels/copy.h"

#include "kernels/dispatch.h"
#include "tensor/memory.h"

namespace semisam::ops {

void fill_(const Tensor& t, double value) {
  check_defined("fill", t);
  by_device("fill", t.device(), [&] { cpu::fill(t, value); }, [&] { cuda::fill(t, value); });
}

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_(t, value);
  return t;
}

void copy_(const Tensor& dst, const Tensor& src) {
  check_defined("copy", dst);
  check_defined("copy", src);
  SEMISAM_CHECK(dst.shape() == src.shape(), "copy: shapes differ: destination ", dst.str(),
                ", source ", src.str());
  if (dst.device() == src.device()) {
    by_device("copy", dst.device(), [&] { cpu::copy(dst, src); }, [&] { cuda::copy(dst, src); });
    return;
  }
  // Across devices: make the source contiguous where it is, move the bytes, then convert and
  // scatter on the destination device.
  Tensor packed = contiguous(src);
  Tensor staged = dst.is_contiguous() && dst.dtype() == src.dtype()
                      ? dst
                      : Tensor::empty(src.shape(), src.dtype(), dst.device());
  copy_bytes(staged.data_ptr(), dst.device(), packed.data_ptr(), packed.device(), packed.nbytes());
  if (!staged.shares_storage(dst)) copy_(dst, staged);
}

Tensor cast(const Tensor& t, DType dtype) {
  check_defined("cast", t);
  if (t.dtype() == dtype) return t;
  Tensor out = Tensor::empty(t.shape(), dtype, t.device());
  copy_(out, t);
  return out;
}

Tensor contiguous(const Tensor& t) {
  check_defined("contiguous", t);
  return t.is_contiguous() ? t : clone(t);
}

Tensor clone(const Tensor& t) {
  check_defined("clone", t);
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  copy_(out, t);
  return out;
}

Tensor to_device(const Tensor& t, Device device) {
  check_defined("to_device", t);
  if (t.device() == device) return t;
  Tensor out = Tensor::empty(t.shape(), t.dtype(), device);
  copy_(out, t);
  return out;
}

Tensor reshape(const Tensor& t, const Shape& shape) { return contiguous(t).view(shape); }

template <typename T>
std::vector<T> to_vector(const Tensor& t) {
  Tensor host = contiguous(to_device(cast(t, DTypeOf<T>::value), Device::cpu()));
  const T* p = host.data<T>();
  return std::vector<T>(p, p + host.numel());
}
template std::vector<float> to_vector<float>(const Tensor&);
template std::vector<double> to_vector<double>(const Tensor&);
template std::vector<int32_t> to_vector<int32_t>(const Tensor&);
template std::vector<int64_t> to_vector<int64_t>(const Tensor&);
template std::vector<uint8_t> to_vector<uint8_t>(const Tensor&);
template std::vector<bfloat16> to_vector<bfloat16>(const Tensor&);
template std::vector<float16> to_vector<float16>(const Tensor&);

double item(const Tensor& t) {
  SEMISAM_CHECK(t.numel() == 1, "item: tensor has ", t.numel(), " elements: ", t.str());
  return to_vector<double>(t)[0];
}

}  // namespace semisam::ops
