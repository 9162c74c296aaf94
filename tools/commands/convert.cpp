// `semisam convert`: a SAM-Med3D .pth checkpoint's image encoder → our HDF5 checkpoint format,
// which loads without the pickle reader and records the encoder's hyper-parameters.
#include <iostream>
#include <memory>

#include "../command_registry.h"
#include "ssl/features.h"

namespace semisam::tools {
namespace {

struct ConvertArgs {
  std::string sam_ckpt, out, encoder = "vit_b_ori";
};

int run_convert(const ConvertArgs& a) {
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
    {"convert", "Convert a SAM-Med3D .pth image encoder to semisam's HDF5 checkpoint format",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<ConvertArgs>();
       sub.add_option("--sam_ckpt", a->sam_ckpt, "SAM-Med3D checkpoint (.pth)")->required();
       sub.add_option("--out", a->out, "HDF5 checkpoint to write")->required();
       sub.add_option("--encoder", a->encoder, "Encoder configuration")
           ->check(CLI::IsMember({"vit_b_ori", "tiny"}))
           ->capture_default_str();
       return [a] { return run_convert(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools
