// CUDA matmul through cublasGemmStridedBatchedEx. Row-major C = A·B is computed as the
// column-major product Cᵀ = Bᵀ·Aᵀ, which needs no transposition of the data.
#include "kernels/cuda/cublas_handle.h"
#include "kernels/cuda/device_types.cuh"
#include "kernels/matmul.h"
#include "kernels/precision.h"

namespace semisam::ops::cuda {

void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
            const Tensor& out) {
  int device = out.device().index;
  CUDA_CHECK(cudaSetDevice(device));
  cublasHandle_t handle = cudak::cublas_handle(device);
  int64_t batches = out.size(0), m = out.size(1), n = out.size(2);
  int64_t k = transpose_a ? a.size(1) : a.size(2);
  cudaDataType_t type;
  cublasComputeType_t compute;
  switch (out.dtype()) {
    case DType::Float32:
      type = CUDA_R_32F;
      compute = math_mode() == MathMode::FP32   ? CUBLAS_COMPUTE_32F
                : math_mode() == MathMode::TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32
                                                : CUBLAS_COMPUTE_32F_FAST_16BF;
      break;
    case DType::Float64: type = CUDA_R_64F; compute = CUBLAS_COMPUTE_64F; break;
    case DType::BFloat16: type = CUDA_R_16BF; compute = CUBLAS_COMPUTE_32F; break;
    case DType::Float16: type = CUDA_R_16F; compute = CUBLAS_COMPUTE_32F; break;
    default: SEMISAM_FAIL("matmul: unsupported dtype ", dtype_name(out.dtype()));
  }
  double alpha64 = 1.0, beta64 = 0.0;
  float alpha32 = 1.0f, beta32 = 0.0f;
  const void* alpha = out.dtype() == DType::Float64 ? static_cast<const void*>(&alpha64) : &alpha32;
  const void* beta = out.dtype() == DType::Float64 ? static_cast<const void*>(&beta64) : &beta32;
  int64_t stride_a = a.size(1) * a.size(2);
  int64_t stride_b = b.size(0) == 1 ? 0 : b.size(1) * b.size(2);
  CUBLAS_CHECK(cublasGemmStridedBatchedEx(
      handle, transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N,
      int(n), int(m), int(k), alpha, b.data_ptr(), type, int(b.size(2)), stride_b, a.data_ptr(),
      type, int(a.size(2)), stride_a, beta, out.data_ptr(), type, int(n), m * n, int(batches),
      compute, CUBLAS_GEMM_DEFAULT));
}

}  // namespace semisam::ops::cuda
