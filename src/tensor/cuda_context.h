// CUDA streams of this library: every launch goes to an explicit stream, never the legacy default
// stream. Include only from code compiled with the CUDA backend.
#pragma once

#include <cuda_runtime.h>

namespace semisam::cuda {

// The stream work is queued on for `device` by this thread (a non-blocking stream created once).
cudaStream_t current_stream(int device = -1);
// Replaces the current stream for this thread; StreamGuard restores the previous one.
void set_current_stream(int device, cudaStream_t stream);
int current_device();

class StreamGuard {
 public:
  StreamGuard(int device, cudaStream_t stream);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  int device_;
  cudaStream_t previous_;
};

// Threads per block and a grid that covers n elements (capped; kernels use grid-stride loops).
constexpr int kBlock = 256;
inline unsigned grid_for(long long n) {
  long long blocks = (n + kBlock - 1) / kBlock;
  if (blocks < 1) blocks = 1;
  if (blocks > 65535LL * 8) blocks = 65535LL * 8;
  return unsigned(blocks);
}

}  // namespace semisam::cuda
