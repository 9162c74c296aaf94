// Building blocks of the CPU convolution: a cache-blocked C += A·B on row-major matrices and a
// parallel loop over independent tasks. Internal to src/kernels/cpu/conv3d*.cpp.
#pragma once

#include <algorithm>
#include <cstdint>

#include "tensor/parallel.h"

namespace semisam::ops::cpu::conv_detail {

// C[m×n] += A[m×k] · B[k×n] (row-major, leading dimensions lda, ldb, ldc). Four rows of C are
// updated per pass over a row of B, so every B element loaded feeds four multiply-adds and the
// inner loop over n is a plain vectorisable axpy.
template <typename T>
void gemm_accumulate(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
                     int64_t ldb, T* c, int64_t ldc) {
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    T* __restrict__ c0 = c + i * ldc;
    T* __restrict__ c1 = c0 + ldc;
    T* __restrict__ c2 = c1 + ldc;
    T* __restrict__ c3 = c2 + ldc;
    const T* a_row = a + i * lda;
    for (int64_t p = 0; p < k; ++p) {
      const T a0 = a_row[p], a1 = a_row[lda + p], a2 = a_row[2 * lda + p], a3 = a_row[3 * lda + p];
      const T* __restrict__ bp = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) {
        const T bv = bp[j];
        c0[j] += a0 * bv;
        c1[j] += a1 * bv;
        c2[j] += a2 * bv;
        c3[j] += a3 * bv;
      }
    }
  }
  for (; i < m; ++i) {
    T* __restrict__ ci = c + i * ldc;
    for (int64_t p = 0; p < k; ++p) {
      const T av = a[i * lda + p];
      const T* __restrict__ bp = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) ci[j] += av * bp[j];
    }
  }
}

// dst[cols×rows] = transpose of src[rows×cols] (both dense).
template <typename T>
void transpose(const T* src, int64_t rows, int64_t cols, T* dst) {
  constexpr int64_t kTile = 32;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile)
    for (int64_t c0 = 0; c0 < cols; c0 += kTile)
      for (int64_t r = r0; r < std::min(rows, r0 + kTile); ++r)
        for (int64_t c = c0; c < std::min(cols, c0 + kTile); ++c)
          dst[c * rows + r] = src[r * cols + c];
}

// Below this many multiply-adds in all, waking the pool costs more than it saves.
constexpr int64_t kParallelWorkThreshold = int64_t(1) << 21;

// Runs fn(task) for task in [0, count) on the shared pool (tensor/parallel.h), serially when the
// total work, in multiply-adds, is small. Tasks must write disjoint memory; which thread runs a
// task never changes a result. The first exception thrown by a task is rethrown here.
template <typename Fn>
void parallel_tasks(int64_t count, int64_t total_work, Fn&& fn) {
  if (total_work < kParallelWorkThreshold) {
    for (int64_t t = 0; t < count; ++t) fn(t);
    return;
  }
  semisam::parallel_for(count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) fn(t);
  });
}

}  // namespace semisam::ops::cpu::conv_detail
