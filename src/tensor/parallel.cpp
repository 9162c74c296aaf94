// Thread count of the CPU backend and its hand-off to OpenMP and OpenBLAS.
#include "tensor/parallel.h"

#include <omp.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "tensor/error.h"

#if SEMISAM_HAS_OPENBLAS
extern "C" void openblas_set_num_threads(int num_threads);
#endif

namespace semisam {
namespace {

std::atomic<int> configured{0};  // 0: not chosen yet
// The count last handed to OpenMP on this thread: omp_set_num_threads sets the calling thread's
// value only, so each thread that runs ops applies it once for itself.
thread_local int applied = 0;

int default_threads() {
  if (const char* env = std::getenv("SEMISAM_THREADS")) {
    char* end = nullptr;
    long n = std::strtol(env, &end, 10);
    SEMISAM_CHECK(end != env && *end == '\0' && n >= 1 && n <= 4096,
                  "SEMISAM_THREADS must be a whole number of threads >= 1, got '", env, "'");
    return int(n);
  }
  return available_cores();
}

}  // namespace

int available_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) {
    int n = CPU_COUNT(&mask);
    if (n >= 1) return n;
  }
  return 1;
}

int cpu_threads() {
  int n = configured.load();
  if (n == 0) {
    int chosen = default_threads();
    configured.compare_exchange_strong(n, chosen);
    n = configured.load();
  }
  return n;
}

void set_cpu_threads(int n) {
  SEMISAM_CHECK(n >= 1, "the number of CPU threads must be at least 1, got ", n);
  configured.store(n);
  parallel_detail::apply_thread_count();
}

namespace parallel_detail {

void apply_thread_count() {
  int n = cpu_threads();
  if (applied == n) return;
  omp_set_num_threads(n);
#if SEMISAM_HAS_OPENBLAS
  openblas_set_num_threads(n);
#endif
  applied = n;
}

bool in_parallel_region() { return omp_in_parallel() != 0; }

}  // namespace parallel_detail
}  // namespace semisam
