// Centre crop, global feature, SAM checkpoint loading and the feature cache of SPEC §3 step 1.
#include "ssl/pseudo_labels/features.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/h5_file.h"
#include "io/pth_archive.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "kernels/shape_ops.h"
#include "ssl/run/train_settings.h"

namespace semisam::ssl {

CentreCrop centre_crop(const Shape& shape, int64_t size) {
  SEMISAM_CHECK(shape.size() == 3, "centre_crop: volume must be 3-D, got ", shape_str(shape));
  SEMISAM_CHECK(size > 0, "centre_crop: crop size must be positive, got ", size);
  CentreCrop c;
  c.size = size;
  for (size_t a = 0; a < 3; ++a) {
    SEMISAM_CHECK(shape[a] > 0, "centre_crop: empty axis in ", shape_str(shape));
    const int64_t p = shape[a] < size ? size - shape[a] : 0;
    c.pad_before[a] = p / 2;
    c.pad_after[a] = p - p / 2;
    c.start[a] = (shape[a] + p - size) / 2;
  }
  return c;
}

Tensor pad_and_crop(const Tensor& volume, const CentreCrop& c) {
  SEMISAM_CHECK(volume.dim() == 3, "pad_and_crop: volume must be 3-D, got ", volume.str());
  // One pad call does both: positive amounts pad with zeros, negative ones crop.
  std::vector<std::pair<int64_t, int64_t>> pads(3);
  for (size_t a = 0; a < 3; ++a) {
    const int64_t padded = volume.size(int64_t(a)) + c.pad_before[a] + c.pad_after[a];
    pads[a] = {c.pad_before[a] - c.start[a], c.pad_after[a] - (padded - c.start[a] - c.size)};
  }
  return ops::pad(volume, pads, 0.0);
}

Tensor global_feature(const Tensor& spatial) {
  SEMISAM_CHECK(spatial.dim() == 4, "global_feature: features must be [C, D, H, W], got ",
                spatial.str());
  Tensor m = ops::mean(spatial, {1, 2, 3});
  const double norm = std::sqrt(ops::item(ops::sum(ops::square(ops::cast(m, DType::Float64)))));
  return ops::mul(m, 1.0 / std::max(norm, 1e-12));
}

namespace {

bool is_hdf5_file(const std::string& path) {
  static const char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, 8) && std::equal(head, head + 8, signature);
}

void load_converted_encoder(models::SamImageEncoder& encoder, const std::string& path) {
  std::map<std::string, Shape> expected;
  for (const auto& [name, var] : encoder.named_parameters()) expected[name] = var.shape();
  io::Checkpoint ckpt = io::load_checkpoint(path, kSamEncoderArchitecture, expected);
  const auto wanted = sam_hyper_parameters(encoder.options());
  for (const auto& [key, value] : wanted) {
    auto it = ckpt.hyper_parameters.find(key);
    SEMISAM_CHECK(it != ckpt.hyper_parameters.end() && it->second == value, path,
                  ": encoder hyper-parameter '", key, "' is ",
                  (it == ckpt.hyper_parameters.end() ? std::string("absent") : it->second),
                  " in the file but ", value, " in this encoder configuration");
  }
  std::vector<std::pair<std::string, Tensor>> named;
  for (const io::NamedTensor& t : ckpt.tensors.at(io::kParamsGroup)) named.emplace_back(t.name, t.tensor);
  encoder.load_parameters(named);
}

std::string join(const std::vector<int64_t>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out;
}

}  // namespace

std::map<std::string, std::string> sam_hyper_parameters(const models::SamEncoderOptions& o) {
  return {{"img_size", std::to_string(o.img_size)},       {"patch_size", std::to_string(o.patch_size)},
          {"in_channels", std::to_string(o.in_channels)}, {"embed_dim", std::to_string(o.embed_dim)},
          {"depth", std::to_string(o.depth)},             {"num_heads", std::to_string(o.num_heads)},
          {"mlp_ratio", std::to_string(o.mlp_ratio)},     {"window_size", std::to_string(o.window_size)},
          {"global_blocks", join(o.global_blocks)},       {"out_channels", std::to_string(o.out_channels)}};
}

void save_sam_encoder(const models::SamImageEncoder& encoder, const std::string& path,
                      const std::string& source) {
  io::Checkpoint ckpt;
  ckpt.architecture = kSamEncoderArchitecture;
  ckpt.hyper_parameters = sam_hyper_parameters(encoder.options());
  ckpt.info["source"] = source;
  io::TensorList& params = ckpt.tensors[io::kParamsGroup];
  for (const auto& [name, var] : encoder.named_parameters()) params.push_back({name, var.value()});
  io::write_checkpoint(path, ckpt);
}

void load_sam_checkpoint(models::SamImageEncoder& encoder, const std::string& path) {
  SEMISAM_CHECK(std::ifstream(path).good(), "SAM checkpoint not found: ", path);
  if (is_hdf5_file(path)) return load_converted_encoder(encoder, path);
  const std::string& pth_path = path;
  const std::vector<std::string> state_dict = {"model_state_dict"};
  const std::string prefix = "image_encoder.";
  io::PthArchive archive(pth_path);
  // Names and shapes first: nothing is read or allocated for a checkpoint that does not fit.
  const auto shapes = archive.shapes(state_dict, prefix);
  SEMISAM_CHECK(!shapes.empty(), pth_path, ": no tensor under model_state_dict with the prefix ",
                "'image_encoder.' (is this a SAM-Med3D checkpoint?)");
  std::map<std::string, Shape> expected;
  for (const auto& [name, var] : encoder.named_parameters()) expected[name] = var.shape();
  io::check_tensor_shapes(shapes, expected, pth_path + " (image_encoder.*)");
  io::TensorMap weights = archive.tensors(state_dict, prefix);
  try {
    encoder.load_parameters(
        std::vector<std::pair<std::string, Tensor>>(weights.begin(), weights.end()));
  } catch (const Error& e) {
    throw Error(pth_path + " (image_encoder.*): " + e.what());
  }
}

CaseFeatures extract_features(const models::SamImageEncoder& encoder, const std::string& name,
                              const Tensor& image, Device device) {
  const int64_t size = encoder.options().img_size;
  SEMISAM_CHECK(encoder.options().in_channels == 1, "extract_features: encoder takes ",
                encoder.options().in_channels, " channels, images have 1");
  Tensor crop = pad_and_crop(ops::cast(image, DType::Float32), centre_crop(image.shape(), size));
  Tensor x = ops::to_device(ops::contiguous(crop), device).view({1, 1, size, size, size});
  Tensor f = encoder.forward(x);
  CaseFeatures out;
  out.name = name;
  out.spatial = ops::contiguous(ops::to_device(ops::cast(f[0], DType::Float32), Device::cpu()));
  out.global = global_feature(out.spatial);
  return out;
}

void write_feature_cache(const std::string& path, const FeatureSource& source,
                         const std::vector<CaseFeatures>& cases) {
  io::write_atomically(path, [&](const std::string& tmp) {
    io::h5::File file = io::h5::File::create(tmp);
    io::h5::Group root = file.root();
    root.set_attribute("format", "semisam-sam-features");
    root.set_attribute("encoder", source.encoder);
    root.set_attribute("checkpoint", source.checkpoint);
    root.set_attribute("crop_size", source.crop_size);
    for (const CaseFeatures& c : cases) {
      io::h5::Group g = root.create_group(c.name);
      g.write_tensor("spatial", c.spatial);
      g.write_tensor("global", c.global);
    }
    file.close();
  });
}

std::vector<CaseFeatures> read_feature_cache(const std::string& path, const FeatureSource& source,
                                             const std::vector<std::string>& names) {
  io::h5::File file = io::h5::File::open(path);
  io::h5::Group root = file.root();
  SEMISAM_CHECK(root.has_attribute("format") &&
                    root.string_attribute("format") == "semisam-sam-features",
                path, ": not a semisam feature cache");
  auto expect = [&](const char* key, const std::string& want) {
    const std::string got = root.string_attribute(key);
    SEMISAM_CHECK(got == want, path, ": cache was made with ", key, " '", got, "', expected '",
                  want, "'");
  };
  expect("encoder", source.encoder);
  // The same checkpoint spelled another way (./ckpt.pth, an absolute path) is the same source.
  const std::string checkpoint = root.string_attribute("checkpoint");
  SEMISAM_CHECK(same_setting("sam_ckpt", checkpoint, source.checkpoint), path,
                ": cache was made with checkpoint '", checkpoint, "', expected '",
                source.checkpoint, "'");
  SEMISAM_CHECK(root.int_attribute("crop_size") == source.crop_size, path, ": crop size ",
                root.int_attribute("crop_size"), ", expected ", source.crop_size);
  std::vector<CaseFeatures> out;
  for (const std::string& name : names) {
    SEMISAM_CHECK(root.has_group(name), path, ": no features for case '", name, "'");
    io::h5::Group g = root.open_group(name);
    out.push_back({name, g.open_dataset("spatial").read(DType::Float32),
                   g.open_dataset("global").read(DType::Float32)});
  }
  return out;
}

}  // namespace semisam::ssl
