// The segmentation network's checkpoints (round{r}_best.h5, round{r}_iter{i}_dice{d}.h5, ...):
// its weights under PyTorch's names plus the hyper-parameters `semisam test` rebuilds it from.
#pragma once

#include <memory>
#include <string>

#include "models/unet3d.h"
#include "ssl/training/backbone.h"
#include "ssl/run/train_config.h"

namespace semisam::ssl {

// Writes the backbone's segmentation weights atomically to `path`.
void write_segmentation_checkpoint(const std::string& path, const Backbone& backbone,
                                   const TrainConfig& config, int64_t round, int64_t iteration,
                                   double dice, const std::string& command_line);

struct SegmentationModel {
  std::unique_ptr<models::UNet3D> network;  // on the requested device, evaluation mode
  int64_t num_classes = 0;
  std::array<int64_t, 3> patch_size{};  // the patch it was trained on
  int64_t round = 0, iteration = 0;
  double dice = 0.0;
  std::string source;  // "semisam checkpoint" or "reference .pth (unet_3D, key 'state_dict')"
};

// Reads a checkpoint written by write_segmentation_checkpoint, or a reference .pth state dict
// (ssl/reference_checkpoint.h; patch size 128³), and rebuilds its network on `device`. Throws
// naming the file for another format (saying which formats are expected), architecture or
// mismatched tensors.
SegmentationModel load_segmentation_model(const std::string& path, Device device);

// `semisam convert --ckpt`: a reference .pth state dict into our HDF5 format, with the patch size
// it was trained on. Returns the architecture written.
std::string convert_reference_checkpoint(const std::string& pth_path, const std::string& out_path,
                                         const std::array<int64_t, 3>& patch_size,
                                         const std::string& command_line);

}  // namespace semisam::ssl
