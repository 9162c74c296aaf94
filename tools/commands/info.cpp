// `semisam info`: what this build and machine offer (backends, devices, memory pool).
#include <iostream>

#include "../command_registry.h"
#include "kernels/cpu_backend.h"
#include "tensor/device.h"
#include "tensor/parallel.h"

namespace semisam::tools {
namespace {
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
         return 0;
       };
     }}};
}  // namespace
}  // namespace semisam::tools
