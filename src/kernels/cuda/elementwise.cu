// CUDA elementwise family: one grid-stride kernel per form, templated on dtype, strided inputs.
#include "kernels/cuda/device_types.cuh"
#include "kernels/elementwise.h"
#include "kernels/strided.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

template <typename T>
__global__ void binary_kernel(BinaryOp op, const T* a, StridedIndexer ia, const T* b,
                              StridedIndexer ib, T* out, int64_t n) {
  using C = compute_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = T(apply_binary<C>(op, C(a[ia.offset(i)]), C(b[ib.offset(i)])));
}

template <typename T>
__global__ void binary_scalar_kernel(BinaryOp op, const T* a, StridedIndexer ia, double s,
                                     bool scalar_first, T* out, int64_t n) {
  using C = compute_t<T>;
  C cs = C(s);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    C x = C(a[ia.offset(i)]);
    out[i] = T(scalar_first ? apply_binary<C>(op, cs, x) : apply_binary<C>(op, x, cs));
  }
}

template <typename T>
__global__ void unary_kernel(UnaryOp op, const T* a, StridedIndexer ia, T* out, int64_t n) {
  using C = compute_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = T(apply_unary<C>(op, C(a[ia.offset(i)])));
}

template <typename T>
__global__ void compare_kernel(CompareOp op, const T* a, StridedIndexer ia, const T* b,
                               StridedIndexer ib, uint8_t* out, int64_t n) {
  using C = compute_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = apply_compare<C>(op, C(a[ia.offset(i)]), C(b[ib.offset(i)])) ? 1 : 0;
}

template <typename T>
__global__ void compare_scalar_kernel(CompareOp op, const T* a, StridedIndexer ia, double s,
                                      uint8_t* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = apply_compare<double>(op, double(compute_t<T>(a[ia.offset(i)])), s) ? 1 : 0;
}

template <typename T>
__global__ void where_kernel(const uint8_t* c, StridedIndexer ic, const T* a, StridedIndexer ia,
                             const T* b, StridedIndexer ib, T* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = c[ic.offset(i)] ? a[ia.offset(i)] : b[ib.offset(i)];
}

}  // namespace

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    binary_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        op, a.data<T>(), make_indexer(a, out.shape()), b.data<T>(), make_indexer(b, out.shape()),
        out.data<T>(), n);
  });
  CUDA_CHECK_LAUNCH();
}

void binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    binary_scalar_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        op, a.data<T>(), make_indexer(a, out.shape()), s, scalar_first, out.data<T>(), n);
  });
  CUDA_CHECK_LAUNCH();
}

void unary(UnaryOp op, const Tensor& a, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    unary_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(op, a.data<T>(),
                                                        make_indexer(a, out.shape()),
                                                        out.data<T>(), n);
  });
  CUDA_CHECK_LAUNCH();
}

void compare(CompareOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    compare_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        op, a.data<T>(), make_indexer(a, out.shape()), b.data<T>(), make_indexer(b, out.shape()),
        out.data<uint8_t>(), n);
  });
  CUDA_CHECK_LAUNCH();
}

void compare_scalar(CompareOp op, const Tensor& a, double s, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    compare_scalar_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        op, a.data<T>(), make_indexer(a, out.shape()), s, out.data<uint8_t>(), n);
  });
  CUDA_CHECK_LAUNCH();
}

void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(out);
  dispatch_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    where_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(
        cond.data<uint8_t>(), make_indexer(cond, out.shape()), a.data<T>(),
        make_indexer(a, out.shape()), b.data<T>(), make_indexer(b, out.shape()), out.data<T>(),
        n);
  });
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cuda
