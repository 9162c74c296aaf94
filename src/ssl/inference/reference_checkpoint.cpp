// Recognising reference unet_3D / unet_3D_sdf state dicts inside .pth files.
#include "ssl/inference/reference_checkpoint.h"

#include <cstring>
#include <fstream>

#include "io/pth_archive.h"
#include "kernels/copy.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

constexpr const char* kFirstConv = "conv1.conv1.0.weight";

bool looks_like_state_dict(const io::PickleValue& value) {
  if (!value.is(io::PickleKind::Dict)) return false;
  for (const char* prefix : {"", "module."})
    if (value.dict.find(std::string(prefix) + kFirstConv)) return true;
  return false;
}

std::string keys_of(const io::PickleValue& dict) {
  std::string text;
  size_t shown = 0;
  for (const auto& kv : dict.dict.items()) {
    if (shown++ == 8) {
      text += ", ...";
      break;
    }
    text += (text.empty() ? "" : ", ") + io::describe(*kv.first);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

CheckpointFormat checkpoint_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  SEMISAM_CHECK(in.good(), path, ": cannot open the checkpoint (", std::strerror(errno), ")");
  char magic[8] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() == 8 && std::memcmp(magic, "\x89HDF\r\n\x1a\n", 8) == 0)
    return CheckpointFormat::SemisamHdf5;
  if (in.gcount() >= 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0)
    return CheckpointFormat::PyTorchZip;
  return CheckpointFormat::Unknown;
}

ReferenceStateDict read_reference_state_dict(const std::string& path) {
  io::PthArchive archive(path);
  const io::PickleValuePtr& root = archive.root();
  ReferenceStateDict result;
  io::PickleValuePtr dict;
  if (looks_like_state_dict(*root)) {
    dict = root;
  } else if (root->is(io::PickleKind::Dict)) {
    for (const char* key : {"state_dict", "model_state_dict", "model", "net", "network"}) {
      const io::PickleValuePtr* found = root->dict.find(key);
      if (found && looks_like_state_dict(**found)) {
        dict = *found;
        result.key = key;
        break;
      }
    }
  }
  SEMISAM_CHECK(dict != nullptr, path, ": not a unet_3D / unet_3D_sdf state dict: expected a dict "
                "with '", kFirstConv, "' at the top or under 'state_dict', 'model_state_dict', "
                "'model', 'net' or 'network'; the top level holds ",
                root->is(io::PickleKind::Dict) ? keys_of(*root) : io::describe(*root),
                ". A SAM-Med3D encoder is converted with `semisam convert --sam_ckpt`.");
  const std::string prefix = dict->dict.find(kFirstConv) ? "" : "module.";
  for (const auto& kv : dict->dict.items()) {
    if (!kv.first->is(io::PickleKind::String)) continue;
    const std::string& name = kv.first->text;
    SEMISAM_CHECK(kv.second->is(io::PickleKind::Tensor), path, ": entry '", name,
                  "' of the state dict is ", io::describe(*kv.second), ", not a tensor");
    SEMISAM_CHECK(name.compare(0, prefix.size(), prefix) == 0, path, ": entry '", name,
                  "' lacks the '", prefix, "' prefix of the other entries");
    Tensor t = archive.tensor(*kv.second->tensor);
    result.tensors.emplace_back(name.substr(prefix.size()),
                                t.dtype() == DType::Float32 ? t : ops::cast(t, DType::Float32));
  }
  auto shape_of = [&](const std::string& name) -> Shape {
    for (const auto& [n, t] : result.tensors)
      if (n == name) return t.shape();
    SEMISAM_FAIL(path, ": the state dict has no '", name, "', which every unet_3D has");
  };
  const Shape first = shape_of(kFirstConv), final_conv = shape_of("final.weight");
  SEMISAM_CHECK(first.size() == 5 && final_conv.size() == 5, path, ": '", kFirstConv,
                "' has shape ", shape_str(first), " and 'final.weight' ", shape_str(final_conv),
                ", expected 5-D convolution weights");
  result.options.base_filters = first[0];
  result.options.in_channels = first[1];
  result.options.num_classes = final_conv[0];
  result.options.sdf_head = false;
  for (const auto& [n, t] : result.tensors)
    if (n == "final2.weight") result.options.sdf_head = true;
  result.architecture = result.options.sdf_head ? "unet_3D_sdf" : "unet_3D";
  return result;
}

}  // namespace semisam::ssl
