// CUDA fill and strided, converting copy (one kernel per dtype pair).
#include "kernels/copy.h"
#include "kernels/cuda/device_types.cuh"
#include "kernels/strided.h"

namespace semisam::ops::cuda {
namespace {

using semisam::cuda::grid_for;
using semisam::cuda::kBlock;

template <typename T>
__global__ void fill_kernel(T* p, StridedIndexer it, T value, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    p[it.offset(i)] = value;
}

template <typename D, typename S>
__global__ void copy_kernel(D* dst, StridedIndexer id, const S* src, StridedIndexer is,
                            int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    dst[id.offset(i)] = D(compute_t<D>(double(compute_t<S>(src[is.offset(i)]))));
}

}  // namespace

void fill(const Tensor& t, double value) {
  int64_t n = t.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(t);
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    fill_kernel<T><<<grid_for(n), kBlock, 0, stream>>>(t.data<T>(), make_indexer(t, t.shape()),
                                                       T(compute_t<T>(value)), n);
  });
  CUDA_CHECK_LAUNCH();
}

void copy(const Tensor& dst, const Tensor& src) {
  int64_t n = dst.numel();
  if (n == 0) return;
  cudaStream_t stream = cudak::stream_for(dst);
  if (dst.dtype() == src.dtype() && dst.is_contiguous() && src.is_contiguous()) {
    CUDA_CHECK(cudaMemcpyAsync(dst.data_ptr(), src.data_ptr(), dst.nbytes(),
                               cudaMemcpyDeviceToDevice, stream));
    return;
  }
  dispatch_dtype(dst.dtype(), [&](auto dtag) {
    using D = decltype(dtag);
    dispatch_dtype(src.dtype(), [&](auto stag) {
      using S = decltype(stag);
      copy_kernel<D, S><<<grid_for(n), kBlock, 0, stream>>>(
          dst.data<D>(), make_indexer(dst, dst.shape()), src.data<S>(),
          make_indexer(src, dst.shape()), n);
    });
  });
  CUDA_CHECK_LAUNCH();
}

}  // namespace semisam::ops::cuda
