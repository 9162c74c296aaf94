// `semisam info`: what this build and machine offer (backends, devices, memory pool).
#include <iostream>
#include <string>

#include "../command_registry.h"
#include "kernels/cpu_backend.h"
#include "tensor/device.h"
#include "tensor/parallel.h"
#if SEMISAM_HAS_CUDA
#include <cuda_runtime.h>
#include <cudnn.h>
#endif

namespace semisam::tools {
namespace {
#if SEMISAM_HAS_CUDA
// cuDNN's version number (major*10000 + minor*100 + patch since cuDNN 9) as "9.19.0".
std::string cudnn_version_text(size_t v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
}
#endif

RegisterCommand info_command{
    {"info", "Print the build's backends and the visible devices",
     [](CLI::App&) -> std::function<int()> {
       return [] {
         std::cout << "CPU backend: convolution "
                   << (ops::onednn_compiled() ? "oneDNN" : "reference loops") << ", GEMM "
                   << (ops::openblas_compiled() ? "OpenBLAS" : "reference loops") << ", kernels "
                   << (ops::cpu_kernels() == ops::CpuKernels::Fast ? "fast" : "reference") << "\n"
                   << "CPU threads: " << cpu_threads() << " (cores available: " << available_cores()
                   << ")\n";
         std::cout << "CUDA backend: " << (cuda_compiled() ? "built" : "not built") << "\n"
                   << "CUDA devices: " << cuda_device_count() << "\n";
#if SEMISAM_HAS_CUDA
         // The cuDNN actually loaded (which libcudnn.so.9 the loader found) next to the headers
         // built against: tools/gpu-check.sh records both, since several copies may be installed.
         int driver = 0, runtime = 0;
         cudaDriverGetVersion(&driver);
         cudaRuntimeGetVersion(&runtime);
         std::cout << "CUDA runtime: " << runtime << ", driver: " << driver << "\n"
                   << "cuDNN: loaded " << cudnn_version_text(cudnnGetVersion()) << ", built against "
                   << cudnn_version_text(CUDNN_VERSION) << "\n";
#endif
         return 0;
       };
     }}};
}  // namespace
}  // namespace semisam::tools
