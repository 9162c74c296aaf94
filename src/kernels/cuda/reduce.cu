// CUDA row reductions. Short rows: one thread per row. Long rows: each row is cut into chunks,
// one block per chunk reduces in a fixed tree order into partials, and a second pass reduces the
// partials of each row; no atomics, so results are bitwise reproducible.
#include <algorithm>

#include "kernels/cuda/device_types.cuh"
#include "kernels/reduce.h"
#include "kernels/reduce_accumulate.h"

namespace semisam::ops::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 16384;     // elements of one row handled by one block
constexpr int64_t kShortRow = 64;     // rows up to this length use one thread each

// Partial result of a reduction: accumulator and (for max/argmax) the index of the best element.
template <typename A>
struct Partial {
  A value;
  int64_t index;
};

template <typename A>
__device__ Partial<A> combine(ReduceOp op, Partial<A> a, Partial<A> b) {
  if (op == ReduceOp::Sum || op == ReduceOp::Mean) return {A(a.value + b.value), 0};
  return beats<A>(b.value, b.index, a.value, a.index) ? b : a;
}

template <typename T, typename A>
__device__ void store(ReduceOp op, Partial<A> p, int64_t cols, void* out, int64_t row) {
  using C = compute_t<T>;
  if (op == ReduceOp::ArgMax) {
    static_cast<int64_t*>(out)[row] = p.index;
  } else if (op == ReduceOp::Mean) {
    static_cast<T*>(out)[row] = T(C(double(p.value) / double(cols)));
  } else if (op == ReduceOp::Sum && !std::is_floating_point<C>::value) {
    static_cast<int64_t*>(out)[row] = int64_t(p.value);
  } else {
    static_cast<T*>(out)[row] = T(C(p.value));
  }
}

template <typename T, typename A>
__device__ Partial<A> identity(ReduceOp op, const T* row) {
  if (op == ReduceOp::Sum || op == ReduceOp::Mean) return {A(0), 0};
  return {A(compute_t<T>(row[0])), 0};
}

template <typename T, typename A>
__global__ void short_rows_kernel(ReduceOp op, const T* in, int64_t rows, int64_t cols,
                                  void* out) {
  for (int64_t r = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; r < rows;
       r += int64_t(blockDim.x) * gridDim.x) {
    const T* row = in + r * cols;
    Partial<A> acc = identity<T, A>(op, row);
    for (int64_t c = 0; c < cols; ++c) acc = combine(op, acc, Partial<A>{A(compute_t<T>(row[c])), c});
    store<T, A>(op, acc, cols, out, r);
  }
}

// Block-wide tree reduction of one Partial per thread, in a fixed order.
template <typename A>
__device__ Partial<A> block_reduce(ReduceOp op, Partial<A> mine) {
  __shared__ A values[kThreads];
  __shared__ int64_t indices[kThreads];
  __syncthreads();  // a previous call's readers of values[0] are done (safe to call in a loop)
  values[threadIdx.x] = mine.value;
  indices[threadIdx.x] = mine.index;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width /= 2) {
    if (threadIdx.x < width) {
      Partial<A> a{values[threadIdx.x], indices[threadIdx.x]};
      Partial<A> b{values[threadIdx.x + width], indices[threadIdx.x + width]};
      Partial<A> c = combine(op, a, b);
      values[threadIdx.x] = c.value;
      indices[threadIdx.x] = c.index;
    }
    __syncthreads();
  }
  return {values[0], indices[0]};
}

// Grid (chunks, min(rows, 65535)); block row y handles rows y, y + gridDim.y, ... Writes the
// final value when there is one chunk, else a partial.
template <typename T, typename A>
__global__ void chunk_kernel(ReduceOp op, const T* in, int64_t rows, int64_t cols, int64_t chunks,
                             void* out, A* partial_values, int64_t* partial_indices) {
  for (int64_t row = blockIdx.y; row < rows; row += gridDim.y) {
    int64_t begin = blockIdx.x * kChunk;
    int64_t end = min(begin + kChunk, cols);
    const T* p = in + row * cols;
    Partial<A> acc = identity<T, A>(op, p + begin);
    acc.index = begin;
    for (int64_t c = begin + threadIdx.x; c < end; c += kThreads)
      acc = combine(op, acc, Partial<A>{A(compute_t<T>(p[c])), c});
    Partial<A> total = block_reduce(op, acc);
    if (threadIdx.x != 0) continue;
    if (chunks == 1) {
      store<T, A>(op, total, cols, out, row);
    } else {
      partial_values[row * chunks + blockIdx.x] = total.value;
      partial_indices[row * chunks + blockIdx.x] = total.index;
    }
  }
}

template <typename T, typename A>
__global__ void partials_kernel(ReduceOp op, const A* values, const int64_t* indices,
                                int64_t chunks, int64_t cols, void* out) {
  int64_t row = blockIdx.x;
  Partial<A> acc{values[row * chunks], indices[row * chunks]};
  if (op == ReduceOp::Sum || op == ReduceOp::Mean) acc = {A(0), 0};
  for (int64_t c = threadIdx.x; c < chunks; c += kThreads)
    acc = combine(op, acc, Partial<A>{values[row * chunks + c], indices[row * chunks + c]});
  Partial<A> total = block_reduce(op, acc);
  if (threadIdx.x == 0) store<T, A>(op, total, cols, out, row);
}

}  // namespace

void reduce_rows(ReduceOp op, const Tensor& in, const Tensor& out) {
  int64_t rows = in.size(0), cols = in.size(1);
  cudaStream_t stream = cudak::stream_for(in);
  dispatch_dtype(in.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    // Sums accumulate in float (double for double, int64 for integers); max keeps the type.
    auto run = [&](auto acc_tag) {
      using A = decltype(acc_tag);
      if (cols <= kShortRow) {
        short_rows_kernel<T, A><<<semisam::cuda::grid_for(rows), kThreads, 0, stream>>>(
            op, in.data<T>(), rows, cols, out.data_ptr());
        CUDA_CHECK_LAUNCH();
        return;
      }
      int64_t chunks = (cols + kChunk - 1) / kChunk;
      // gridDim.y is limited to 65535: more rows loop inside chunk_kernel.
      unsigned grid_rows = unsigned(std::min<int64_t>(rows, 65535));
      Tensor pv, pi;
      if (chunks > 1) {
        pv = Tensor::empty({rows * chunks}, DTypeOf<A>::value, in.device());
        pi = Tensor::empty({rows * chunks}, DType::Int64, in.device());
      }
      chunk_kernel<T, A><<<dim3(unsigned(chunks), grid_rows), kThreads, 0, stream>>>(
          op, in.data<T>(), rows, cols, chunks, out.data_ptr(),
          chunks > 1 ? pv.data<A>() : nullptr, chunks > 1 ? pi.data<int64_t>() : nullptr);
      CUDA_CHECK_LAUNCH();
      if (chunks > 1) {
        partials_kernel<T, A><<<unsigned(rows), kThreads, 0, stream>>>(
            op, pv.data<A>(), pi.data<int64_t>(), chunks, cols, out.data_ptr());
        CUDA_CHECK_LAUNCH();
      }
    };
    if (op == ReduceOp::Sum || op == ReduceOp::Mean)
      run(typename SumAcc<T>::type{});
    else
      run(C{});
  });
}

}  // namespace semisam::ops::cuda
