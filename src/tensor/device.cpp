// Device naming and parsing, and the CPU-only answers when the CUDA backend is not built.
#include "tensor/device.h"

#include "tensor/error.h"

namespace semisam {

std::string Device::str() const {
  return is_cpu() ? std::string("cpu") : "cuda:" + std::to_string(index);
}

Device parse_device(const std::string& text) {
  if (text == "cpu") return Device::cpu();
  // The default everywhere: the first GPU when the build has CUDA and the machine a GPU.
  if (text == "auto") return cuda_available() ? Device::cuda(0) : Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0) {
    try {
      size_t used = 0;
      int index = std::stoi(text.substr(5), &used);
      if (used == text.size() - 5 && index >= 0) return Device::cuda(index);
    } catch (const std::exception&) {
    }
  }
  SEMISAM_FAIL("unknown device '", text, "' (expected auto, cpu, cuda or cuda:N)");
}

#if !SEMISAM_HAS_CUDA
bool cuda_compiled() { return false; }
int cuda_device_count() { return 0; }
void synchronize(Device device) {
  SEMISAM_CHECK(device.is_cpu(), "synchronize: ", device.str(), " needs the CUDA backend");
}
#endif

}  // namespace semisam
