// Host allocation and, when the CUDA backend is not built, the host-only memory functions.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "tensor/error.h"
#include "tensor/memory.h"

namespace semisam {

namespace {
std::atomic<bool> poison_enabled{false};
}
void set_allocation_poison(bool on) { poison_enabled.store(on); }
bool allocation_poison() { return poison_enabled.load(); }

namespace detail {

struct HostCounters {
  std::mutex mutex;
  MemoryStats stats;
};
HostCounters& host_counters() {
  static HostCounters counters;
  return counters;
}

void* host_allocate(size_t bytes) {
  size_t rounded = ((bytes + 63) / 64) * 64;
  void* ptr = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  SEMISAM_CHECK(ptr != nullptr, "out of host memory allocating ", bytes, " bytes");
  if (allocation_poison()) std::memset(ptr, 0xFF, bytes);
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.current_bytes += bytes;
  c.stats.allocations += 1;
  if (c.stats.current_bytes > c.stats.peak_bytes) c.stats.peak_bytes = c.stats.current_bytes;
  return ptr;
}

void host_free(void* ptr, size_t bytes) noexcept {
  std::free(ptr);
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.current_bytes -= bytes;
}

MemoryStats host_stats() {
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.stats;
}

void host_reset_peak() {
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.peak_bytes = c.stats.current_bytes;
}

}  // namespace detail

#if !SEMISAM_HAS_CUDA
static void require_cpu(Device device, const char* what) {
  SEMISAM_CHECK(device.is_cpu(), what, ": ", device.str(),
                " needs the CUDA backend, which this build does not have");
}
void* allocate_bytes(Device device, size_t bytes) {
  require_cpu(device, "allocate");
  return detail::host_allocate(bytes);
}
void free_bytes(Device, void* ptr, size_t bytes) noexcept { detail::host_free(ptr, bytes); }
MemoryStats memory_stats(Device device) {
  require_cpu(device, "memory_stats");
  return detail::host_stats();
}
void reset_peak_memory(Device device) {
  require_cpu(device, "reset_peak_memory");
  detail::host_reset_peak();
}
void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  require_cpu(dst_device, "copy");
  require_cpu(src_device, "copy");
  if (bytes) std::memmove(dst, src, bytes);
}
void zero_bytes(void* ptr, Device device, size_t bytes) {
  require_cpu(device, "zero");
  if (bytes) std::memset(ptr, 0, bytes);
}
#endif

}  // namespace semisam
