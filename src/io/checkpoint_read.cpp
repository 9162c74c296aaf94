// Reading checkpoints: format and version checks, metadata, tensors with checksum verification.
#include "io/checkpoint.h"
#include "io/checkpoint_layout.h"
#include "io/h5_file.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

std::map<std::string, std::string> read_string_map(const h5::Group& root, const std::string& name) {
  std::map<std::string, std::string> values;
  if (!root.has_group(name)) return values;
  h5::Group group = root.open_group(name);
  for (const auto& key : group.attribute_names()) values[key] = group.string_attribute(key);
  return values;
}

TensorList read_tensor_group(const h5::Group& group) {
  TensorList tensors;
  for (const auto& name : group.children()) {
    SEMISAM_CHECK(group.has_dataset(name), group.where(), "/", name, " is not a dataset");
    h5::Dataset dataset = group.open_dataset(name);
    Tensor tensor = dataset.read();
    SEMISAM_CHECK(dataset.has_attribute(kChecksumAttribute), dataset.where(),
                  ": tensor has no checksum");
    uint64_t stored = dataset.uint_attribute(kChecksumAttribute);
    uint32_t actual = tensor_checksum(tensor);
    SEMISAM_CHECK(stored == actual, "checksum mismatch in tensor '", name, "' of group '",
                  group.path(), "' in ", group.file_path(), ": the file is corrupted");
    tensors.push_back({name, std::move(tensor)});
  }
  return tensors;
}

}  // namespace

const Tensor* find_tensor(const TensorList& tensors, const std::string& name) {
  for (const auto& entry : tensors)
    if (entry.name == name) return &entry.tensor;
  return nullptr;
}

Checkpoint read_checkpoint(const std::string& path, bool with_tensors) {
  h5::File file = h5::File::open(path);
  h5::Group root = file.root();
  SEMISAM_CHECK(root.has_attribute("format") && root.string_attribute("format") == kCheckpointFormat,
                path, " is not a semisam checkpoint (its root has no format = \"",
                kCheckpointFormat, "\" attribute)");
  Checkpoint checkpoint;
  checkpoint.format_version = root.int_attribute("format_version");
  SEMISAM_CHECK(checkpoint.format_version >= 1 && checkpoint.format_version <= kCheckpointFormatVersion,
                path, " has checkpoint format version ", checkpoint.format_version,
                "; this build reads versions 1 to ", kCheckpointFormatVersion);
  checkpoint.architecture = root.string_attribute("architecture");
  checkpoint.round = root.int_attribute("round");
  checkpoint.iteration = root.int_attribute("iteration");
  checkpoint.best_dice = root.double_attribute("best_dice");
  checkpoint.command_line = root.string_attribute("command_line");
  checkpoint.hyper_parameters = read_string_map(root, kHyperParametersGroup);
  checkpoint.info = read_string_map(root, kInfoGroup);
  if (root.has_group(kRngGroup)) {
    h5::Group rng = root.open_group(kRngGroup);
    for (const auto& stream : rng.children()) {
      h5::Group entry = rng.open_group(stream);
      checkpoint.rng[stream] = {entry.uint_attribute("seed"), entry.uint_attribute("offset")};
    }
  }
  for (const auto& name : root.children()) {
    if (is_reserved_group(name)) continue;
    SEMISAM_CHECK(root.has_group(name), path, ": unexpected object '/", name,
                  "' (tensor groups must be groups)");
    if (with_tensors) checkpoint.tensors[name] = read_tensor_group(root.open_group(name));
    else checkpoint.tensors[name] = {};
  }
  return checkpoint;
}

void check_architecture(const Checkpoint& checkpoint, const std::string& architecture,
                        const std::string& path) {
  SEMISAM_CHECK(checkpoint.architecture == architecture, path, " holds a '",
                checkpoint.architecture, "' model, expected '", architecture, "'");
}

Checkpoint load_checkpoint(const std::string& path, const CheckpointExpectation& expected) {
  Checkpoint checkpoint = read_checkpoint(path);
  if (!expected.architecture.empty()) check_architecture(checkpoint, expected.architecture, path);
  for (const auto& [group, shapes] : expected.groups) {
    auto found = checkpoint.tensors.find(group);
    SEMISAM_CHECK(found != checkpoint.tensors.end(), path, " has no tensor group '", group, "'");
    check_tensor_shapes(found->second, shapes, path + ", group '" + group + "'");
  }
  return checkpoint;
}

Checkpoint load_checkpoint(const std::string& path, const std::string& architecture,
                           const std::map<std::string, Shape>& expected_params) {
  return load_checkpoint(path, CheckpointExpectation{architecture, {{kParamsGroup, expected_params}}});
}

}  // namespace semisam::io
