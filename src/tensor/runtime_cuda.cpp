// CUDA backend of src/tensor (compiled only with SEMISAM_CUDA): device queries, per-thread current streams, the stream-ordered
// caching pool (cudaMallocAsync on a pool that never releases memory to the driver) and byte
// counters, and the readable names of cuBLAS/cuDNN status codes.
#include <cstdlib>
#include <cstring>
#include <string>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"
#include "tensor/memory.h"

namespace semisam {
namespace detail {
void* host_allocate(size_t bytes);
void host_free(void* ptr, size_t bytes) noexcept;
MemoryStats host_stats();
void host_reset_peak();

const char* cublas_status_name(int status) {
  switch (status) {
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
  }
  return "unknown cuBLAS status";
}
}  // namespace detail

namespace {

int query_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // no driver or no GPU: clear the sticky error and report none
    return 0;
  }
  return count;
}

struct DeviceCounters {
  std::mutex mutex;
  MemoryStats stats;
};
std::vector<DeviceCounters>& device_counters() {
  static std::vector<DeviceCounters> counters(std::max(query_device_count(), 1));
  return counters;
}

// A failed cudaFreeAsync, kept until the next launch check reports it: free_bytes runs in
// destructors and cannot throw, and leaving the error for cudaGetLastError would make the next
// launch check blame an unrelated kernel.
struct DeferredFreeError {
  std::mutex mutex;
  std::string text;  // empty: none
};
DeferredFreeError& deferred_free_error() {
  static DeferredFreeError e;
  return e;
}

void check_cuda_device(Device device, const char* what) {
  SEMISAM_CHECK(device.index >= 0 && device.index < cuda_device_count(), what, ": ", device.str(),
                " is not available (", cuda_device_count(), " CUDA device(s) visible)");
}

// Device memory pool: keep freed blocks cached (release threshold = max) so steady-state training
// never calls the driver allocator.
void configure_pool(int device) {
  static std::once_flag flags[64];
  std::call_once(flags[device % 64], [device] {
    cudaMemPool_t pool;
    CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, device));
    uint64_t threshold = UINT64_MAX;
    CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
  });
}

struct ThreadStreams {
  std::unordered_map<int, cudaStream_t> current;
};
thread_local ThreadStreams thread_streams;

cudaStream_t owned_stream(int device) {
  static std::mutex mutex;
  static std::unordered_map<int, cudaStream_t> streams;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = streams.find(device);
  if (it != streams.end()) return it->second;
  int previous = 0;
  CUDA_CHECK(cudaGetDevice(&previous));
  CUDA_CHECK(cudaSetDevice(device));
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  CUDA_CHECK(cudaSetDevice(previous));
  streams[device] = stream;
  return stream;
}

}  // namespace

bool cuda_compiled() { return true; }

int cuda_device_count() {
  static int count = query_device_count();
  return count;
}

void synchronize(Device device) {
  if (device.is_cpu()) return;
  check_cuda_device(device, "synchronize");
  CUDA_CHECK(cudaStreamSynchronize(cuda::current_stream(device.index)));
}

namespace cuda {

int current_device() {
  int device = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  return device;
}

cudaStream_t current_stream(int device) {
  if (device < 0) device = current_device();
  auto it = thread_streams.current.find(device);
  if (it != thread_streams.current.end()) return it->second;
  cudaStream_t stream = owned_stream(device);
  thread_streams.current[device] = stream;
  return stream;
}

void set_current_stream(int device, cudaStream_t stream) { thread_streams.current[device] = stream; }

StreamGuard::StreamGuard(int device, cudaStream_t stream)
    : device_(device), previous_(current_stream(device)) {
  set_current_stream(device, stream);
}
StreamGuard::~StreamGuard() { set_current_stream(device_, previous_); }

}  // namespace cuda

void* allocate_bytes(Device device, size_t bytes) {
  if (device.is_cpu()) return detail::host_allocate(bytes);
  check_cuda_device(device, "allocate");
  CUDA_CHECK(cudaSetDevice(device.index));
  configure_pool(device.index);
  void* ptr = nullptr;
  cudaError_t err = cudaMallocAsync(&ptr, bytes == 0 ? 1 : bytes, cuda::current_stream(device.index));
  if (err != cudaSuccess) {
    cudaGetLastError();
    MemoryStats stats = memory_stats(device);
    SEMISAM_FAIL("CUDA out of memory allocating ", bytes, " bytes on ", device.str(), " (",
                 stats.current_bytes, " bytes in use): ", cudaGetErrorString(err));
  }
  if (allocation_poison())
    CUDA_CHECK(cudaMemsetAsync(ptr, 0xFF, bytes, cuda::current_stream(device.index)));
  auto& c = device_counters()[device.index];
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.current_bytes += bytes;
  c.stats.allocations += 1;
  if (c.stats.current_bytes > c.stats.peak_bytes) c.stats.peak_bytes = c.stats.current_bytes;
  return ptr;
}

void free_bytes(Device device, void* ptr, size_t bytes) noexcept {
  if (device.is_cpu()) return detail::host_free(ptr, bytes);
  cudaSetDevice(device.index);
  // Stream-ordered: the block returns to the pool once queued work on the stream is done.
  const cudaError_t err = cudaFreeAsync(ptr, cuda::current_stream(device.index));
  if (err != cudaSuccess) {
    cudaGetLastError();  // not this thread's next launch's fault
    DeferredFreeError& deferred = deferred_free_error();
    std::lock_guard<std::mutex> lock(deferred.mutex);
    if (deferred.text.empty())
      deferred.text = "cudaFreeAsync of " + std::to_string(bytes) + " bytes on " + device.str() +
                      " failed: " + cudaGetErrorString(err);
  }
  auto& c = device_counters()[device.index];
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.current_bytes -= bytes;
}

namespace cuda {

bool sync_debug() {
  static const bool on = [] {
    const char* v = std::getenv("SEMISAM_SYNC_DEBUG");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return on;
}

void check_launch(const char* file, int line) {
  std::string freed;
  {
    DeferredFreeError& deferred = deferred_free_error();
    std::lock_guard<std::mutex> lock(deferred.mutex);
    freed.swap(deferred.text);
  }
  if (!freed.empty())
    throw_error("CUDA", "an earlier free (reported at the next launch check)", freed.c_str(), file,
                line);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) throw_error("CUDA", "kernel launch", cudaGetErrorString(err), file, line);
  if (sync_debug()) {
    err = cudaDeviceSynchronize();
    if (err != cudaSuccess)
      throw_error("CUDA", "kernel execution (SEMISAM_SYNC_DEBUG)", cudaGetErrorString(err), file,
                  line);
  }
}

}  // namespace cuda

MemoryStats memory_stats(Device device) {
  if (device.is_cpu()) return detail::host_stats();
  check_cuda_device(device, "memory_stats");
  auto& c = device_counters()[device.index];
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.stats;
}

void set_cached_workspace_bytes(Device device, size_t bytes) {
  if (device.is_cpu()) return;  // no CPU library keeps one
  check_cuda_device(device, "set_cached_workspace_bytes");
  auto& c = device_counters()[device.index];
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.cached_workspace_bytes = bytes;
}

void reset_peak_memory(Device device) {
  if (device.is_cpu()) return detail::host_reset_peak();
  check_cuda_device(device, "reset_peak_memory");
  auto& c = device_counters()[device.index];
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.peak_bytes = c.stats.current_bytes;
}

void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (dst_device.is_cpu() && src_device.is_cpu()) {
    std::memmove(dst, src, bytes);
    return;
  }
  int device = dst_device.is_cuda() ? dst_device.index : src_device.index;
  CUDA_CHECK(cudaSetDevice(device));
  cudaStream_t stream = cuda::current_stream(device);
  CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream));
  // A copy to pageable host memory must be complete before the caller reads it.
  if (dst_device.is_cpu() || src_device.is_cpu()) CUDA_CHECK(cudaStreamSynchronize(stream));
}

void zero_bytes(void* ptr, Device device, size_t bytes) {
  if (bytes == 0) return;
  if (device.is_cpu()) {
    std::memset(ptr, 0, bytes);
    return;
  }
  CUDA_CHECK(cudaSetDevice(device.index));
  CUDA_CHECK(cudaMemsetAsync(ptr, 0, bytes, cuda::current_stream(device.index)));
}

}  // namespace semisam
