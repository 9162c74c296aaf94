// Building blocks of the CPU convolution: a cache-blocked C += A·B on row-major matrices and a
// parallel loop over independent tasks. Internal to src/kernels/cpu/conv3d*.cpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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

// Threads the CPU convolution may use: the machine's cores, at most 16.
inline int worker_count() {
  unsigned hw = std::thread::hardware_concurrency();
  return int(std::clamp<unsigned>(hw == 0 ? 1u : hw, 1u, 16u));
}

// Below this many multiply-adds in all, starting threads costs more than it saves.
constexpr int64_t kParallelWorkThreshold = int64_t(1) << 21;

// Runs fn(task) for task in [0, count) on up to worker_count() threads (one thread when the
// total work, in multiply-adds, is small). Tasks must write disjoint memory; which thread runs a
// task never changes a result. The first exception thrown by a task is rethrown here after all
// threads have finished.
template <typename Fn>
void parallel_tasks(int64_t count, int64_t total_work, Fn&& fn) {
  int threads =
      total_work < kParallelWorkThreshold ? 1 : int(std::min<int64_t>(worker_count(), count));
  if (threads <= 1) {
    for (int64_t t = 0; t < count; ++t) fn(t);
    return;
  }
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (int64_t t = next++; t < count; t = next++) {
      try {
        fn(t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace semisam::ops::cpu::conv_detail
