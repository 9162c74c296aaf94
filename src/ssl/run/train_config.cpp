// Validation and naming of a training configuration.
#include "ssl/run/train_config.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "ssl/training/backbone.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

template <typename T>
std::string text(const T& value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

void validate(const TrainConfig& c) {
  const auto& names = backbone_names();
  SEMISAM_CHECK(std::find(names.begin(), names.end(), c.backbone) != names.end(), "--backbone '",
                c.backbone, "' is not one of mt, uamt, dan, dtc");
  SEMISAM_CHECK(c.max_iterations >= 1, "--max_iterations must be >= 1, got ", c.max_iterations);
  SEMISAM_CHECK(c.labeled_bs >= 1 && c.labeled_bs < c.batch_size, "--labeled_bs ", c.labeled_bs,
                " must be >= 1 and leave at least one unlabelled case in --batch_size ",
                c.batch_size);
  SEMISAM_CHECK(c.labeled_num >= c.labeled_bs, "--labeled_num ", c.labeled_num,
                " must be >= --labeled_bs ", c.labeled_bs);
  for (int64_t p : c.patch_size)
    SEMISAM_CHECK(p >= 16 && p % 16 == 0, "--patch_size values must be positive multiples of 16 "
                  "(the U-Net pools four times), got ", p);
  SEMISAM_CHECK(c.base_lr > 0 && c.dan_lr > 0, "--base_lr and --DAN_lr must be positive");
  SEMISAM_CHECK(c.num_rounds >= 1, "--num_rounds must be >= 1, got ", c.num_rounds);
  SEMISAM_CHECK(c.knn_k >= 1, "--knn_k must be >= 1, got ", c.knn_k);
  SEMISAM_CHECK(c.uncertainty_quantile >= 0 && c.uncertainty_quantile <= 1,
                "--uncertainty_quantile must lie in [0, 1], got ", c.uncertainty_quantile);
  SEMISAM_CHECK(c.num_classes >= 2 && c.num_classes <= 16, "--num_classes must lie in 2..16, got ",
                c.num_classes);
  SEMISAM_CHECK(c.ema_decay >= 0 && c.ema_decay <= 1, "--ema_decay must lie in [0, 1], got ",
                c.ema_decay);
  SEMISAM_CHECK(c.conv_search == "heuristic" || c.conv_search == "benchmark", "--conv_search '",
                c.conv_search, "' is not one of heuristic, benchmark");
  SEMISAM_CHECK(c.precision == "fp32" || c.precision == "tf32" || c.precision == "bf16",
                "--precision '", c.precision, "' is not one of fp32, tf32, bf16");
  SEMISAM_CHECK(c.sam_encoder == "vit_b_ori" || c.sam_encoder == "tiny", "--sam_encoder '",
                c.sam_encoder, "' is not one of vit_b_ori, tiny");
  SEMISAM_CHECK(c.sam_random_weights || !c.sam_ckpt.empty(),
                "--sam_ckpt is empty: name a SAM-Med3D checkpoint or ask for random encoder "
                "weights explicitly (--sam_random_weights, demos only)");
  SEMISAM_CHECK(c.base_filters >= 1 && c.discriminator_ndf >= 1,
                "--base_filters and --discriminator_ndf must be >= 1");
  SEMISAM_CHECK(c.val_interval >= 1 && c.save_interval >= 1 && c.log_interval >= 1,
                "--val_interval, --save_interval and --log_interval must be >= 1");
  SEMISAM_CHECK(c.val_stride >= 1 && c.pseudo_stride >= 1, "--val_stride and --pseudo_stride "
                "must be >= 1");
  for (int64_t p : c.patch_size)
    SEMISAM_CHECK(c.val_stride <= p && c.pseudo_stride <= p, "--val_stride ", c.val_stride,
                  " and --pseudo_stride ", c.pseudo_stride, " must not exceed the patch size ", p,
                  " (windows would leave voxels unvisited)");
  if (c.backbone == "dan")
    for (int64_t p : c.patch_size)
      SEMISAM_CHECK(p >= 96 && p <= 191, "--backbone dan needs --patch_size values in 96..191 "
                    "(its discriminator's last feature map must pool to 1³), got ", p);
  SEMISAM_CHECK(c.consistency >= 0 && c.consistency_rampup >= 0, "--consistency and "
                "--consistency_rampup must be >= 0, got ", c.consistency, " and ",
                c.consistency_rampup);
  SEMISAM_CHECK(c.stop_after >= 0, "--stop_after must be >= 0, got ", c.stop_after);
  SEMISAM_CHECK(c.dtc_sdf_weight >= 0, "--dtc_sdf_weight must be >= 0, got ", c.dtc_sdf_weight);
}

std::string experiment_dir(const TrainConfig& c) {
  const char* model = c.backbone == "dtc" ? "unet_3D_sdf" : "unet_3D";
  return c.model_root + "/" + c.exp + "_" + upper(c.backbone) + "_" + std::to_string(c.labeled_num) +
         "label_1/" + model;
}

std::map<std::string, std::string> run_fingerprint(const TrainConfig& c) {
  return {
      {"root_path", c.root_path},
      {"backbone", c.backbone},
      {"max_iterations", text(c.max_iterations)},
      {"batch_size", text(c.batch_size)},
      {"labeled_bs", text(c.labeled_bs)},
      {"labeled_num", text(c.labeled_num)},
      {"base_lr", text(c.base_lr)},
      {"DAN_lr", text(c.dan_lr)},
      {"patch_size", text(c.patch_size[0]) + "," + text(c.patch_size[1]) + "," +
                         text(c.patch_size[2])},
      {"seed", text(c.seed)},
      {"ema_decay", text(c.ema_decay)},
      {"consistency", text(c.consistency)},
      {"consistency_rampup", text(c.consistency_rampup)},
      {"num_rounds", text(c.num_rounds)},
      {"knn_k", text(c.knn_k)},
      {"uncertainty_quantile", text(c.uncertainty_quantile)},
      {"num_classes", text(c.num_classes)},
      {"sam_ckpt", c.sam_random_weights ? std::string("random") : c.sam_ckpt},
      {"sam_encoder", c.sam_encoder},
      {"image_key", c.image_key},
      {"binary_label", c.binary_label ? "1" : "0"},
      {"dtc_sdf_weight", text(c.dtc_sdf_weight)},
      {"precision", c.precision},
      {"base_filters", text(c.base_filters)},
      {"discriminator_ndf", text(c.discriminator_ndf)},
      {"val_interval", text(c.val_interval)},
      {"save_interval", text(c.save_interval)},
      {"val_stride", text(c.val_stride)},
      {"pseudo_stride", text(c.pseudo_stride)},
  };
}

}  // namespace semisam::ssl
