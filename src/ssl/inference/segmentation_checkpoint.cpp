// Writing and reading the segmentation network's checkpoints (and the reference's .pth ones).
#include "ssl/inference/segmentation_checkpoint.h"

#include "io/checkpoint.h"
#include "ssl/inference/reference_checkpoint.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

int64_t integer(const std::map<std::string, std::string>& values, const std::string& key,
                const std::string& path) {
  auto it = values.find(key);
  SEMISAM_CHECK(it != values.end(), path, ": the checkpoint lacks the hyper-parameter '", key, "'");
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    SEMISAM_FAIL(path, ": hyper-parameter '", key, "' = '", it->second, "' is not an integer");
  }
}

SegmentationModel build_model(const std::string& path, const std::string& architecture,
                              const models::UNet3DOptions& options,
                              const std::vector<std::pair<std::string, Tensor>>& named,
                              Device device) {
  SegmentationModel model;
  Generator unused_init(0);  // the weights are overwritten from the file
  model.network = std::make_unique<models::UNet3D>(options, unused_init);
  try {
    model.network->load_parameters(named);
  } catch (const Error& e) {
    SEMISAM_FAIL(path, ": its weights do not fit a ", architecture, " with ", options.num_classes,
                 " classes and base width ", options.base_filters, ": ", e.what());
  }
  model.network->to(device);
  model.network->eval();
  model.num_classes = options.num_classes;
  return model;
}

SegmentationModel load_reference_model(const std::string& path, Device device) {
  ReferenceStateDict dict = read_reference_state_dict(path);
  SegmentationModel model = build_model(path, dict.architecture, dict.options, dict.tensors, device);
  model.patch_size = {128, 128, 128};  // SPEC §8: a state dict does not record it
  model.source = "reference .pth, " + dict.architecture + ", width " +
                 std::to_string(dict.options.base_filters) +
                 (dict.key.empty() ? std::string(", bare state dict")
                                   : ", state dict under '" + dict.key + "'");
  return model;
}

}  // namespace

void write_segmentation_checkpoint(const std::string& path, const Backbone& backbone,
                                   const TrainConfig& config, int64_t round, int64_t iteration,
                                   double dice, const std::string& command_line) {
  io::Checkpoint ckpt;
  ckpt.architecture = backbone.architecture();
  const models::UNet3DOptions& net = backbone.options().network;
  ckpt.hyper_parameters = {
      {"in_channels", std::to_string(net.in_channels)},
      {"num_classes", std::to_string(config.num_classes)},
      {"base_filters", std::to_string(config.base_filters)},
      {"patch_x", std::to_string(config.patch_size[0])},
      {"patch_y", std::to_string(config.patch_size[1])},
      {"patch_z", std::to_string(config.patch_size[2])},
  };
  ckpt.info = {{"backbone", config.backbone}, {"experiment", config.exp},
               {"precision", config.precision}};
  ckpt.round = round;
  ckpt.iteration = iteration;
  ckpt.best_dice = dice;
  ckpt.command_line = command_line;
  ckpt.tensors[io::kParamsGroup] = backbone.segmentation_parameters();
  io::write_checkpoint(path, ckpt);
}

SegmentationModel load_segmentation_model(const std::string& path, Device device) {
  const CheckpointFormat format = checkpoint_format(path);
  if (format == CheckpointFormat::PyTorchZip) return load_reference_model(path, device);
  SEMISAM_CHECK(format == CheckpointFormat::SemisamHdf5, path, " is neither a semisam HDF5 "
                "checkpoint (round<r>_best.h5) nor a PyTorch .pth state dict of unet_3D / "
                "unet_3D_sdf (a zip archive written by torch.save); a legacy non-zip torch.save "
                "file must be re-saved with a current PyTorch, then `semisam convert --ckpt`");
  io::Checkpoint ckpt = io::read_checkpoint(path);
  SEMISAM_CHECK(ckpt.architecture == "unet_3D" || ckpt.architecture == "unet_3D_sdf", path,
                " holds a '", ckpt.architecture, "' checkpoint, not a segmentation network "
                "(unet_3D or unet_3D_sdf)");
  SEMISAM_CHECK(ckpt.tensors.count(io::kParamsGroup), path, " has no '", io::kParamsGroup,
                "' group of weights");
  models::UNet3DOptions options;
  options.in_channels = integer(ckpt.hyper_parameters, "in_channels", path);
  options.num_classes = integer(ckpt.hyper_parameters, "num_classes", path);
  options.base_filters = integer(ckpt.hyper_parameters, "base_filters", path);
  options.sdf_head = ckpt.architecture == "unet_3D_sdf";
  std::vector<std::pair<std::string, Tensor>> named;
  for (const auto& t : ckpt.tensors.at(io::kParamsGroup)) named.push_back({t.name, t.tensor});
  SegmentationModel model = build_model(path, ckpt.architecture, options, named, device);
  model.source = "semisam checkpoint";
  model.patch_size = {integer(ckpt.hyper_parameters, "patch_x", path),
                      integer(ckpt.hyper_parameters, "patch_y", path),
                      integer(ckpt.hyper_parameters, "patch_z", path)};
  model.round = ckpt.round;
  model.iteration = ckpt.iteration;
  model.dice = ckpt.best_dice;
  return model;
}

std::string convert_reference_checkpoint(const std::string& pth_path, const std::string& out_path,
                                         const std::array<int64_t, 3>& patch_size,
                                         const std::string& command_line) {
  ReferenceStateDict dict = read_reference_state_dict(pth_path);
  // Built once so that a state dict that does not fit the network fails here, not at test time.
  build_model(pth_path, dict.architecture, dict.options, dict.tensors, Device::cpu());
  io::Checkpoint ckpt;
  ckpt.architecture = dict.architecture;
  ckpt.hyper_parameters = {
      {"in_channels", std::to_string(dict.options.in_channels)},
      {"num_classes", std::to_string(dict.options.num_classes)},
      {"base_filters", std::to_string(dict.options.base_filters)},
      {"patch_x", std::to_string(patch_size[0])},
      {"patch_y", std::to_string(patch_size[1])},
      {"patch_z", std::to_string(patch_size[2])},
  };
  ckpt.info = {{"converted_from", pth_path}, {"state_dict_key", dict.key}};
  ckpt.command_line = command_line;
  for (const auto& [name, tensor] : dict.tensors)
    ckpt.tensors[io::kParamsGroup].push_back({name, tensor});
  io::write_checkpoint(out_path, ckpt);
  return dict.architecture;
}

}  // namespace semisam::ssl
