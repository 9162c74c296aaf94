// One cuDNN handle per device and thread, bound to the current stream on every use.
#pragma once

#include <cudnn.h>

namespace semisam::ops::cudak {

cudnnHandle_t cudnn_handle(int device);

}  // namespace semisam::ops::cudak
