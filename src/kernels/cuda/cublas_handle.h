// One cuBLAS handle per device and thread, bound to the current stream on every use.
#pragma once

#include <cublas_v2.h>

namespace semisam::ops::cudak {

cublasHandle_t cublas_handle(int device);

}  // namespace semisam::ops::cudak
