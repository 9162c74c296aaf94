// Differentiable softmax and log-softmax over one axis (channels, axis 1, by default).
#pragma once

#include <cstdint>

#include "autograd/variable.h"

namespace semisam::layers {

ag::Variable softmax(const ag::Variable& x, int64_t axis = 1);
ag::Variable log_softmax(const ag::Variable& x, int64_t axis = 1);

}  // namespace semisam::layers
