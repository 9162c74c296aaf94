// Raw memory for tensors: 64-byte aligned host memory, and a stream-ordered caching pool on CUDA
// devices, with byte counters that benchmarks report.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/device.h"

namespace semisam {

struct MemoryStats {
  size_t current_bytes = 0;  // bytes held by live tensors
  size_t peak_bytes = 0;     // high-water mark since start or the last reset
  uint64_t allocations = 0;  // number of allocations served
  // Of current_bytes, what libraries keep as reusable workspace between calls (cuDNN's, one
  // bounded buffer per device and stream; kernels/cuda/cudnn_conv.cpp).
  size_t cached_workspace_bytes = 0;
};

void* allocate_bytes(Device device, size_t bytes);
void free_bytes(Device device, void* ptr, size_t bytes) noexcept;
MemoryStats memory_stats(Device device);
// Sets the device's cached_workspace_bytes (called by the code that owns the workspace).
void set_cached_workspace_bytes(Device device, size_t bytes);
void reset_peak_memory(Device device);
// The host caching allocator: bytes held in its free lists (not counted in memory_stats), and a
// call that returns them to the system.
size_t host_cached_bytes();
void release_host_cache();
// Test aid: when on, every new allocation is filled with 0xFF bytes (NaN for floating types), so
// elements an op forgets to write show up.
void set_allocation_poison(bool on);
bool allocation_poison();

// Copies `bytes` contiguous bytes between any two devices, ordered on the current CUDA stream.
void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes);
// Sets `bytes` bytes to zero.
void zero_bytes(void* ptr, Device device, size_t bytes);

}  // namespace semisam
