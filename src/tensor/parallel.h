// The CPU backend's threads: one persistent OpenMP pool, shared by semisam's own loops, oneDNN and
// OpenBLAS (both built on OpenMP here), so no op starts threads of its own.
//
// Determinism: parallel_for cuts [0, count) into chunks that depend only on count and grain, never
// on the thread count, and parallel_sum combines per-chunk partial sums in chunk order. Ops built
// on them give bit-identical results for any thread count. oneDNN's and OpenBLAS's results may
// depend on the thread count (their blocking does); docs/performance.md says which ops are
// affected, and the tests pin the count.
#pragma once

#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

namespace semisam {

// Cores this process may run on: sched_getaffinity's mask, so taskset, cgroups' cpusets and
// container limits are respected (std::thread::hardware_concurrency is not). At least 1.
int available_cores();

// Threads every CPU op uses. Default: SEMISAM_THREADS from the environment if set, else
// available_cores(). set_cpu_threads throws unless n >= 1.
int cpu_threads();
void set_cpu_threads(int n);

namespace parallel_detail {
// Applies the configured count to OpenMP and OpenBLAS when it changed; cheap otherwise.
void apply_thread_count();
bool in_parallel_region();

// Runs body(i) for i in [0, count) in a parallel region of the pool (static schedule); the first
// exception thrown is rethrown after every index has run.
template <typename Body>
void run_in_region(int64_t count, Body&& body) {
  apply_thread_count();
  std::exception_ptr failure;
  std::mutex failure_mutex;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < count; ++i) {
    try {
      body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}
}  // namespace parallel_detail

// Runs fn(begin, end) over [0, count) in chunks of `grain` items (the last may be shorter), on
// the pool when there is more than one chunk. fn must write disjoint memory per chunk. The first
// exception thrown by a chunk is rethrown here after every chunk has finished.
template <typename Fn>
void parallel_for(int64_t count, int64_t grain, Fn&& fn) {
  if (count <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t chunks = (count + grain - 1) / grain;
  if (chunks == 1 || parallel_detail::in_parallel_region()) {
    for (int64_t c = 0; c < chunks; ++c) fn(c * grain, c + 1 == chunks ? count : (c + 1) * grain);
    return;
  }
  parallel_detail::run_in_region(
      chunks, [&](int64_t c) { fn(c * grain, c + 1 == chunks ? count : (c + 1) * grain); });
}

// Runs fn(task) for task in [0, count) inside a parallel region of the pool, even for a single
// task. Libraries that thread themselves on OpenMP (OpenBLAS) run single-threaded inside an
// active region, so a caller that splits its work into tasks by shape alone gets results that do
// not depend on the thread count.
template <typename Fn>
void parallel_tasks_in_region(int64_t count, Fn&& fn) {
  if (count <= 0) return;
  if (parallel_detail::in_parallel_region()) {
    for (int64_t t = 0; t < count; ++t) fn(t);
    return;
  }
  parallel_detail::run_in_region(count, fn);
}

// Σ over [0, count) of fn(begin, end) (each returning the double sum of its chunk), combined in
// chunk order: the same bits for any thread count.
template <typename Fn>
double parallel_sum(int64_t count, int64_t grain, Fn&& fn) {
  if (count <= 0) return 0.0;
  if (grain < 1) grain = 1;
  const int64_t chunks = (count + grain - 1) / grain;
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c)
      partial[size_t(c)] = fn(c * grain, c + 1 == chunks ? count : (c + 1) * grain);
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

// Elements per chunk for a loop whose body costs about `cost_per_item` simple operations:
// chunks of roughly 32 K operations, enough to amortise the pool's wake-up.
inline int64_t grain_for(int64_t cost_per_item) {
  const int64_t target = int64_t(1) << 15;
  int64_t g = target / (cost_per_item < 1 ? 1 : cost_per_item);
  return g < 1 ? 1 : g;
}

}  // namespace semisam
