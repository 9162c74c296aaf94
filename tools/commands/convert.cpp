// `semisam convert`: PyTorch .pth checkpoints → our HDF5 checkpoint format, which loads without
// the pickle reader and records the hyper-parameters: a SAM-Med3D image encoder (--sam_ckpt), or
// a reference unet_3D / unet_3D_sdf state dict (--ckpt) for `test` and `predict`.
#include <iostream>
#include <memory>

#include "../command_registry.h"
#include "ssl/pseudo_labels/features.h"
#include "ssl/inference/segmentation_checkpoint.h"

namespace semisam::tools {
namespace {

struct ConvertArgs {
  std::string sam_ckpt, ckpt, out, encoder = "vit_b_ori";
  std::vector<int64_t> patch_size{128, 128, 128};
};

int run_convert(const ConvertArgs& a) {
  require_usage(a.sam_ckpt.empty() != a.ckpt.empty(), "convert needs exactly one of --sam_ckpt "
                "(a SAM-Med3D encoder) and --ckpt (a reference unet_3D / unet_3D_sdf state dict)");
  if (!a.ckpt.empty()) {
    std::string architecture = ssl::convert_reference_checkpoint(
        a.ckpt, a.out, {a.patch_size[0], a.patch_size[1], a.patch_size[2]}, invocation());
    std::cout << "converted the " << architecture << " state dict of " << a.ckpt << " to " << a.out
              << " (patch " << a.patch_size[0] << "x" << a.patch_size[1] << "x" << a.patch_size[2]
              << ")\n";
    return 0;
  }
  models::SamEncoderOptions options =
      a.encoder == "tiny" ? models::sam_tiny_options() : models::sam_vit_b_ori();
  Generator gen(0);  // every value is overwritten by the checkpoint
  models::SamImageEncoder encoder(options, gen);
  ssl::load_sam_checkpoint(encoder, a.sam_ckpt);
  ssl::save_sam_encoder(encoder, a.out, a.sam_ckpt);
  std::cout << "converted " << encoder.named_parameters().size() << " encoder tensors of "
            << a.sam_ckpt << " (" << a.encoder << ") to " << a.out << "\n";
  return 0;
}

RegisterCommand convert_command{
    {"convert", "Convert a SAM-Med3D encoder or a reference unet_3D .pth to semisam's HDF5 format",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<ConvertArgs>();
       sub.add_option("--sam_ckpt", a->sam_ckpt, "SAM-Med3D checkpoint (.pth)");
       sub.add_option("--ckpt", a->ckpt, "Reference unet_3D / unet_3D_sdf state dict (.pth)");
       sub.add_option("--out", a->out, "HDF5 checkpoint to write")->required();
       sub.add_option("--encoder", a->encoder, "Encoder configuration (--sam_ckpt)")
           ->check(CLI::IsMember({"vit_b_ori", "tiny"}))
           ->capture_default_str();
       sub.add_option("--patch_size", a->patch_size, "Patch the network was trained on (--ckpt)")
           ->expected(3)->capture_default_str();
       return [a] { return run_convert(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools
