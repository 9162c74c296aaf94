// Where a tensor lives (CPU or one CUDA device) and what the build and the machine offer.
#pragma once

#include <string>

namespace semisam {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {DeviceType::CPU, 0}; }
  static Device cuda(int index = 0) { return {DeviceType::CUDA, index}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_cuda() const { return type == DeviceType::CUDA; }
  std::string str() const;
  bool operator==(const Device& other) const {
    return type == other.type && (type == DeviceType::CPU || index == other.index);
  }
  bool operator!=(const Device& other) const { return !(*this == other); }
};

// True when the library was built with the CUDA backend.
bool cuda_compiled();
// Number of usable CUDA devices (0 without the CUDA backend or without a GPU).
int cuda_device_count();
inline bool cuda_available() { return cuda_device_count() > 0; }
// Parses "auto" (cuda:0 when a GPU is visible to a CUDA build, else the CPU), "cpu", "cuda" or
// "cuda:N".
Device parse_device(const std::string& text);
// Waits until all work queued on the device's current stream is done (no-op on the CPU).
void synchronize(Device device);

}  // namespace semisam
