// Gathering strided or device tensors into contiguous host memory.
#include "io/host_copy.h"

#include <cstring>

#include "tensor/memory.h"

namespace semisam::io {
namespace {

// Copies element by element in row-major order of the logical shape, following the strides.
void gather_strided(const char* base, const Shape& shape, const std::vector<int64_t>& strides,
                    size_t element_size, char* out) {
  int64_t count = shape_numel(shape);
  if (count == 0) return;
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t axis = 0; axis < shape.size(); ++axis) offset += index[axis] * strides[axis];
    std::memcpy(out + n * int64_t(element_size), base + offset * int64_t(element_size),
                element_size);
    for (size_t axis = shape.size(); axis-- > 0;) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
}

}  // namespace

Tensor contiguous_host(const Tensor& tensor) {
  SEMISAM_CHECK(tensor.defined(), "cannot copy an undefined tensor to the host");
  if (tensor.device().is_cpu() && tensor.is_contiguous()) return tensor;
  Tensor out = Tensor::empty(tensor.shape(), tensor.dtype(), Device::cpu());
  if (tensor.is_contiguous()) {
    copy_bytes(out.data_ptr(), Device::cpu(), tensor.data_ptr(), tensor.device(), tensor.nbytes());
    return out;
  }
  SEMISAM_CHECK(tensor.device().is_cpu(), "a non-contiguous ", tensor.str(),
                " must be made contiguous on its device before it is written");
  gather_strided(static_cast<const char*>(tensor.data_ptr()), tensor.shape(), tensor.strides(),
                 tensor.element_size(), static_cast<char*>(out.data_ptr()));
  return out;
}

}  // namespace semisam::io
