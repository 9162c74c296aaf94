// `semisam extract`: SPEC §3 step 1 for every case of a split — centre crop, SAM-Med3D encoder,
// spatial and global features — written to one HDF5 feature cache keyed by case name.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "../command_registry.h"
#include "io/dataset.h"
#include "io/split_list.h"
#include "kernels/precision.h"
#include "ssl/pseudo_labels/features.h"
#include "tensor/device.h"
#include "tensor/error.h"

namespace semisam::tools {
namespace {

struct ExtractArgs {
  std::string root, list = "train.txt", sam_ckpt, out, device = "auto", precision = "tf32";
  std::string encoder = "vit_b_ori", image_key = "image";
  uint64_t seed = 1337;
  bool sam_random_weights = false;
};

int run_extract(const ExtractArgs& a) {
  // As `train`: random encoder weights only when asked for by name.
  require_usage(a.sam_random_weights || !a.sam_ckpt.empty(), "--sam_ckpt is missing: name a "
                "SAM-Med3D checkpoint or ask for random encoder weights explicitly "
                "(--sam_random_weights, demos and tests only)");
  require_usage(!(a.sam_random_weights && !a.sam_ckpt.empty()), "--sam_random_weights and "
                "--sam_ckpt exclude each other");
  models::SamEncoderOptions options =
      a.encoder == "tiny" ? models::sam_tiny_options() : models::sam_vit_b_ori();
  Device device = parse_device(a.device);
  ops::MathModeGuard mode(ops::parse_math_mode(a.precision));
  // Read the split first: a wrong root should fail before a 400 MB checkpoint is loaded.
  std::vector<std::string> names = io::read_split_list(io::split_list_path(a.root, a.list));
  Generator gen(a.seed);
  models::SamImageEncoder encoder(options, gen);
  ssl::FeatureSource source{a.encoder, a.sam_ckpt, options.img_size};
  if (a.sam_ckpt.empty()) {
    source.checkpoint = "random(seed=" + std::to_string(a.seed) + ")";
    std::cout << "WARNING: --sam_random_weights: the encoder runs with RANDOM weights (seed "
              << a.seed << "). These features are for demos and tests only and carry no "
              << "anatomical meaning.\n";
  } else {
    ssl::load_sam_checkpoint(encoder, a.sam_ckpt);
    std::cout << "loaded " << encoder.named_parameters().size() << " encoder tensors from "
              << a.sam_ckpt << "\n";
  }
  encoder.to(device);
  io::DatasetOptions data;
  data.image_key = a.image_key;
  std::vector<ssl::CaseFeatures> features;
  for (size_t i = 0; i < names.size(); ++i) {
    auto start = std::chrono::steady_clock::now();
    io::Case c = io::load_case(a.root, names[i], data, io::LabelMode::Skip);
    features.push_back(ssl::extract_features(encoder, c.name, c.image, device));
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[%zu/%zu] %s %s -> %lldx%lld^3 features (%.2f s)\n", i + 1, names.size(),
                c.name.c_str(), shape_str(c.image.shape()).c_str(),
                static_cast<long long>(features.back().spatial.size(0)),
                static_cast<long long>(features.back().spatial.size(1)), s);
    std::fflush(stdout);
  }
  ssl::write_feature_cache(a.out, source, features);
  std::cout << "wrote " << a.out << " (" << features.size() << " cases, encoder " << a.encoder
            << ", " << source.checkpoint << ", " << a.precision << " on " << device.str() << ")\n";
  return 0;
}

RegisterCommand extract_command{
    {"extract", "Extract SAM-Med3D features of a split into an HDF5 cache (SPEC §3 step 1)",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<ExtractArgs>();
       sub.add_option("--root_path,--root", a->root, "Dataset root (ROOT/data/<case>.h5)")->required();
       sub.add_option("--split_list,--list", a->list, "Split list under the root (as test's --test_list)")->capture_default_str();
       sub.add_option("--sam_ckpt", a->sam_ckpt,
                      "SAM-Med3D checkpoint (.pth, or converted .h5)");
       sub.add_flag("--sam_random_weights", a->sam_random_weights,
                    "No checkpoint: seeded random encoder weights (demos and tests only)");
       sub.add_option("--out", a->out, "Feature cache to write (HDF5)")->required();
       sub.add_option("--device", a->device, "auto (a GPU if visible, else the CPU), cuda, cuda:N or cpu")->capture_default_str();
       sub.add_option("--precision", a->precision, "fp32, tf32 or bf16 products")
           ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))
           ->capture_default_str();
       sub.add_option("--sam_encoder,--encoder", a->encoder, "Encoder configuration")
           ->check(CLI::IsMember({"vit_b_ori", "tiny"}))
           ->capture_default_str();
       sub.add_option("--image_key", a->image_key, "Image dataset name in each case file")
           ->capture_default_str();
       sub.add_option("--seed", a->seed, "Seed of the random weights (--sam_random_weights)")
           ->capture_default_str();
       return [a] { return run_extract(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools
