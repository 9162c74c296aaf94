// Template members of Tensor.
#pragma once

#include <cstring>

#include "tensor/memory.h"

namespace semisam {

template <typename T>
Tensor Tensor::from_vector(const std::vector<T>& values, const Shape& shape) {
  SEMISAM_CHECK(int64_t(values.size()) == shape_numel(shape), "from_vector: ", values.size(),
                " values for shape ", shape_str(shape));
  Tensor t = empty(shape, DTypeOf<T>::value, Device::cpu());
  if (!values.empty()) std::memcpy(t.data_ptr(), values.data(), values.size() * sizeof(T));
  return t;
}

}  // namespace semisam
