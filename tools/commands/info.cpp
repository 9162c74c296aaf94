// `semisam info`: what this build and machine offer (backends, devices, memory pool).
#include <iostream>

#include "../command_registry.h"
#include "tensor/device.h"

namespace semisam::tools {
namespace {
RegisterCommand info_command{{"info", "Print the build's backends and the visible devices",
                              [](CLI::App&) -> std::function<int()> {
                                return [] {
                                  std::cout << "CUDA backend: "
                                            << (cuda_compiled() ? "built" : "not built") << "\n"
                                            << "CUDA devices: " << cuda_device_count() << "\n";
                                  return 0;
                                };
                              }}};
}  // namespace
}  // namespace semisam::tools
