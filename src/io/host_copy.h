// Contiguous CPU copies of tensors, so that writers can hand plain byte buffers to file APIs
// whatever the tensor's device and strides.
#pragma once

#include "tensor/tensor.h"

namespace semisam::io {

// `tensor` itself when it is already a contiguous CPU tensor, else a contiguous CPU copy.
Tensor contiguous_host(const Tensor& tensor);

}  // namespace semisam::io
