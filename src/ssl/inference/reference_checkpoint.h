// The reference's own trained weights: PyTorch .pth files holding a unet_3D or unet_3D_sdf state
// dict, bare (torch.save(model.state_dict())) or under a common key ("state_dict",
// "model_state_dict", "model", "net", "network"), optionally with DataParallel's "module."
// prefix. The architecture, class count, input channels and width come from the tensor shapes;
// the patch size, which a state dict does not record, is SPEC §8's default 128³.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/unet3d.h"
#include "tensor/tensor.h"

namespace semisam::ssl {

enum class CheckpointFormat { SemisamHdf5, PyTorchZip, Unknown };

// From the file's first bytes (HDF5 signature, zip local header); throws when it cannot be read.
CheckpointFormat checkpoint_format(const std::string& path);

struct ReferenceStateDict {
  std::string architecture;  // "unet_3D" or "unet_3D_sdf"
  std::string key;           // where the dict was found: "" (bare) or the key used
  models::UNet3DOptions options;
  std::vector<std::pair<std::string, Tensor>> tensors;  // PyTorch names, float32
};

// Reads and recognises the state dict; errors name the file and say what was expected.
ReferenceStateDict read_reference_state_dict(const std::string& path);

}  // namespace semisam::ssl
