// Test support: a segmentation checkpoint of a freshly initialised tiny U-Net (random weights, a
// fixed seed), for tests of test/predict plumbing that need a network but not a trained one.
#pragma once

#include <string>

#include "io/checkpoint.h"
#include "models/unet3d.h"

namespace semisam::test {

inline void write_tiny_checkpoint(const std::string& path, int64_t base_filters = 2,
                                  int64_t num_classes = 2, int64_t patch = 16,
                                  bool sdf_head = false, uint64_t seed = 5) {
  models::UNet3DOptions options;
  options.base_filters = base_filters;
  options.num_classes = num_classes;
  options.sdf_head = sdf_head;
  Generator gen(seed);
  models::UNet3D network(options, gen);
  io::Checkpoint ckpt;
  ckpt.architecture = sdf_head ? "unet_3D_sdf" : "unet_3D";
  ckpt.hyper_parameters = {{"in_channels", "1"},
                           {"num_classes", std::to_string(num_classes)},
                           {"base_filters", std::to_string(base_filters)},
                           {"patch_x", std::to_string(patch)},
                           {"patch_y", std::to_string(patch)},
                           {"patch_z", std::to_string(patch)}};
  for (const auto& [name, variable] : network.named_parameters())
    ckpt.tensors[io::kParamsGroup].push_back({name, variable.value()});
  io::write_checkpoint(path, ckpt);
}

}  // namespace semisam::test
