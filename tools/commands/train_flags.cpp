// The `semisam train` flags.
#include "train_flags.h"

#include "../command_registry.h"
#include "tensor/error.h"

namespace semisam::tools {

void add_train_flags(CLI::App& sub, TrainFlags& f) {
  ssl::TrainConfig& c = f.config;
  f.patch_size = {c.patch_size[0], c.patch_size[1], c.patch_size[2]};
  // SPEC §8: the reference's flags.
  sub.add_option("--root_path", c.root_path, "Dataset root (ROOT/data/<case>.h5, train/val/test lists)")->capture_default_str();
  sub.add_option("--exp", c.exp, "Experiment name")->capture_default_str();
  sub.add_option("--backbone", c.backbone, "mt | uamt | dan | dtc")
      ->check(CLI::IsMember({"mt", "uamt", "dan", "dtc"}))->capture_default_str();
  sub.add_option("--max_iterations", c.max_iterations, "Iterations per round")->capture_default_str();
  sub.add_option("--batch_size", c.batch_size, "Cases per batch")->capture_default_str();
  sub.add_option("--labeled_bs", c.labeled_bs, "Labelled cases per batch")->capture_default_str();
  sub.add_option("--labeled_num", c.labeled_num, "Labelled cases: the first N of train.txt")->capture_default_str();
  sub.add_option("--deterministic", f.deterministic, "Accepted for compatibility; always deterministic")->capture_default_str();
  sub.add_option("--base_lr", c.base_lr, "SGD learning rate")->capture_default_str();
  sub.add_option("--DAN_lr", c.dan_lr, "Adam learning rate of the DAN discriminator")->capture_default_str();
  sub.add_option("--patch_size", f.patch_size, "Training patch X Y Z (multiples of 16)")->expected(3)->capture_default_str();
  sub.add_option("--seed", c.seed, "Random seed")->capture_default_str();
  sub.add_option("--ema_decay", c.ema_decay, "Teacher EMA decay")->capture_default_str();
  sub.add_option("--consistency", c.consistency, "Consistency weight")->capture_default_str();
  sub.add_option("--consistency_rampup", c.consistency_rampup, "Consistency ramp-up length")->capture_default_str();
  sub.add_option("--num_rounds", c.num_rounds, "Training rounds")->capture_default_str();
  sub.add_option("--knn_k", c.knn_k, "Neighbours of the KNN refinement")->capture_default_str();
  sub.add_option("--uncertainty_quantile", c.uncertainty_quantile, "Uncertainty quantile of the refinement")->capture_default_str();
  sub.add_option("--num_classes", c.num_classes, "Classes including background")->capture_default_str();
  sub.add_option("--sam_ckpt", c.sam_ckpt, "SAM-Med3D checkpoint (.pth, or converted .h5)")->capture_default_str();
  sub.add_option("--image_key", c.image_key, "Image dataset name in each case file")->capture_default_str();
  sub.add_flag("--binary_label", c.binary_label, "Map every label > 0 to 1");
  sub.add_option("--dtc_sdf_weight", c.dtc_sdf_weight, "DTC: weight of the SDF L1 loss (0 = reference, original DTC 0.3)")->capture_default_str();
  // This implementation's own.
  sub.add_option("--features", c.features, "Feature cache written by `semisam extract` for train.txt (instead of running the encoder)");
  sub.add_option("--model_root", c.model_root, "Folder of experiment folders")->capture_default_str();
  sub.add_option("--device", c.device, "auto (a GPU if visible, else the CPU), cuda, cuda:N or cpu")->capture_default_str();
  sub.add_option("--precision", c.precision, "fp32 | tf32 | bf16 compute")
      ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))->capture_default_str();
  sub.add_option("--conv_search", c.conv_search, "cuDNN convolution algorithms: heuristic, or benchmark (timed once per shape, stored with the state so a resume stays bit-identical)")
      ->check(CLI::IsMember({"heuristic", "benchmark"}))->capture_default_str();
  sub.add_option("--sam_encoder", c.sam_encoder, "vit_b_ori | tiny (tests and demos)")
      ->check(CLI::IsMember({"vit_b_ori", "tiny"}))->capture_default_str();
  sub.add_flag("--sam_random_weights", c.sam_random_weights, "No checkpoint: seeded random encoder weights (demo only)");
  sub.add_option("--base_filters", c.base_filters, "U-Net width (16 = reference)")->capture_default_str();
  sub.add_option("--discriminator_ndf", c.discriminator_ndf, "DAN discriminator width (64 = reference)")->capture_default_str();
  sub.add_option("--val_interval", c.val_interval, "Iterations between validations")->capture_default_str();
  sub.add_option("--save_interval", c.save_interval, "Iterations between periodic checkpoints")->capture_default_str();
  sub.add_option("--val_stride", c.val_stride, "Sliding-window stride of validation")->capture_default_str();
  sub.add_option("--pseudo_stride", c.pseudo_stride, "Sliding-window stride of pseudo-labelling")->capture_default_str();
  sub.add_option("--log_interval", c.log_interval, "Iterations between progress lines")->capture_default_str();
  sub.add_option("--stop_after", c.stop_after, "Save the state and stop after N iterations (0: run to the end)")->capture_default_str();
  sub.add_flag("--resume", c.resume, "Continue the run saved in the experiment folder that "
               "--model_root, --exp, --backbone and --labeled_num name; its other settings come "
               "from its config.json. Flags typed with it must match, except --device, "
               "--log_interval and --stop_after, which may change");
}

ssl::TrainConfig finish_train_flags(const TrainFlags& f) {
  ssl::TrainConfig c = f.config;
  require_usage(f.patch_size.size() == 3, "--patch_size takes three values, got ", f.patch_size.size());
  c.patch_size = {f.patch_size[0], f.patch_size[1], f.patch_size[2]};
  require_usage(f.deterministic == 1, "--deterministic 0 is not offered: every run here is "
                "deterministic by seed");
  return c;
}

std::set<std::string> given_flag_names(const CLI::App& sub) {
  std::set<std::string> names;
  for (const CLI::Option* option : sub.get_options())
    if (option->count() > 0 && !option->get_lnames().empty())
      names.insert(option->get_lnames().front());
  return names;
}

}  // namespace semisam::tools
