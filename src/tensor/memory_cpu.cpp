// Host allocation (a caching allocator) and, when the CUDA backend is not built, the host-only
// memory functions.
#include <algorithm>
#include <atomic>
#include <map>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "tensor/error.h"
#include "tensor/memory.h"

namespace semisam {

namespace {
std::atomic<bool> poison_enabled{false};
}
void set_allocation_poison(bool on) { poison_enabled.store(on); }
bool allocation_poison() { return poison_enabled.load(); }

namespace detail {

// The caching host allocator. A training step allocates the same sizes in every iteration, and
// fresh large blocks come from mmap and are page-faulted in on first touch, every time. Freed
// blocks of at least kCacheMinBytes are kept in free lists by size and handed out again to a
// request of up to that size but no less than 4/5 of it (best fit), so a block is not wasted on a
// much smaller tensor; each large block's capacity is remembered for when it comes back.
// What the cache may hold is bounded by half the high-water mark of live tensor bytes (at least
// kCacheFloorBytes), so the process holds at most about 1.5 times its peak live memory; beyond
// that, freed blocks go back to the system. (Measured on the U-Net forward at 128³: no cache
// 1660 MiB peak and 6.1–6.9 s, a cache of the whole high-water mark 2291 MiB and 4.9–5.3 s,
// 512 MiB 1942 MiB and 5.1 s; docs/performance.md §5.) Small blocks are left to malloc, which caches
// them already.
constexpr size_t kCacheMinBytes = size_t(64) << 10;
constexpr size_t kCacheFloorBytes = size_t(256) << 20;

// SEMISAM_HOST_CACHE_MB caps the cache (0 turns it off); unset, the cap is half the high-water
// mark of live bytes (at least kCacheFloorBytes).
struct CacheCap {
  bool fixed = false;
  size_t bytes = 0;
};
CacheCap cache_cap_from_environment() {
  CacheCap cap;
  if (const char* env = std::getenv("SEMISAM_HOST_CACHE_MB")) {
    char* end = nullptr;
    unsigned long long mb = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0') {
      cap.fixed = true;
      cap.bytes = size_t(mb) << 20;
    }
  }
  return cap;
}
const CacheCap& cache_cap() {
  static const CacheCap cap = cache_cap_from_environment();
  return cap;
}

size_t rounded_size(size_t bytes) {
  size_t unit = bytes >= kCacheMinBytes ? 4096 : 64;
  size_t r = ((bytes + unit - 1) / unit) * unit;
  return r == 0 ? 64 : r;
}

struct HostCounters {
  std::mutex mutex;
  MemoryStats stats;
  std::map<size_t, std::vector<void*>> free_blocks;  // capacity -> blocks
  std::unordered_map<void*, size_t> capacity;        // live large blocks -> their capacity
  size_t cached_bytes = 0;
  size_t live_high_water = 0;  // never reset, unlike stats.peak_bytes
};
HostCounters& host_counters() {
  static HostCounters counters;
  return counters;
}

// The smallest cached block that holds `rounded` bytes and is at most 5/4 of it; its capacity in
// `taken`.
void* take_cached(HostCounters& c, size_t rounded, size_t& taken) {
  auto it = c.free_blocks.lower_bound(rounded);
  if (it == c.free_blocks.end() || it->first > rounded + rounded / 4) return nullptr;
  void* ptr = it->second.back();
  taken = it->first;
  it->second.pop_back();
  if (it->second.empty()) c.free_blocks.erase(it);
  c.cached_bytes -= taken;
  return ptr;
}

void release_cache_locked(HostCounters& c) {
  for (auto& [size, blocks] : c.free_blocks)
    for (void* p : blocks) std::free(p);
  c.free_blocks.clear();
  c.cached_bytes = 0;
}

void* host_allocate(size_t bytes) {
  const size_t rounded = rounded_size(bytes);
  auto& c = host_counters();
  void* ptr = nullptr;
  size_t capacity = rounded;
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (rounded >= kCacheMinBytes) ptr = take_cached(c, rounded, capacity);
    c.stats.current_bytes += bytes;
    c.stats.allocations += 1;
    if (c.stats.current_bytes > c.stats.peak_bytes) c.stats.peak_bytes = c.stats.current_bytes;
    if (c.stats.current_bytes > c.live_high_water) c.live_high_water = c.stats.current_bytes;
  }
  if (ptr == nullptr) ptr = std::aligned_alloc(64, rounded);
  if (ptr == nullptr) {  // the system is out of memory: give the cache back and try once more
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      release_cache_locked(c);
    }
    ptr = std::aligned_alloc(64, rounded);
  }
  if (ptr == nullptr) {
    std::lock_guard<std::mutex> lock(c.mutex);
    c.stats.current_bytes -= bytes;
  }
  SEMISAM_CHECK(ptr != nullptr, "out of host memory allocating ", bytes, " bytes");
  if (rounded >= kCacheMinBytes) {
    std::lock_guard<std::mutex> lock(c.mutex);
    try {
      c.capacity[ptr] = capacity;
    } catch (...) {  // no memory for the entry: the block is freed, not cached, when it returns
    }
  }
  if (allocation_poison()) std::memset(ptr, 0xFF, bytes);
  return ptr;
}

void host_free(void* ptr, size_t bytes) noexcept {
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.current_bytes -= bytes;
  size_t capacity = 0;
  if (auto it = c.capacity.find(ptr); it != c.capacity.end()) {
    capacity = it->second;
    c.capacity.erase(it);
  }
  const size_t limit =
      cache_cap().fixed ? cache_cap().bytes : std::max(kCacheFloorBytes, c.live_high_water / 4);
  if (capacity >= kCacheMinBytes && c.cached_bytes + capacity <= limit) {
    try {
      c.free_blocks[capacity].push_back(ptr);
      c.cached_bytes += capacity;
      return;
    } catch (...) {  // no memory for the list entry: free the block instead
    }
  }
  std::free(ptr);
}

size_t host_cached_bytes() {
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cached_bytes;
}

void host_release_cache() {
  auto& c = host_counters();
  std::lock_guard<std::mutex> lock(c.mutex);
  release_cache_locked(c);
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

size_t host_cached_bytes() { return detail::host_cached_bytes(); }
void release_host_cache() { detail::host_release_cache(); }

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
void set_cached_workspace_bytes(Device device, size_t) {
  require_cpu(device, "set_cached_workspace_bytes");  // no CPU library keeps one
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
