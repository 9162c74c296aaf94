// Everything one SemiSAM-O1 training run is configured by: the reference's command-line flags
// (SPEC §8) plus this implementation's own (device, precision, widths for small demos, intervals).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace semisam::ssl {

struct TrainConfig {
  // SPEC §8, with the reference's defaults.
  std::string root_path = "../data/LA";
  std::string exp = "SemiSAM_O1/LA";
  std::string backbone = "uamt";  // mt | uamt | dan | dtc
  int64_t max_iterations = 15000;
  int64_t batch_size = 2;
  int64_t labeled_bs = 1;
  int64_t labeled_num = 1;
  double base_lr = 0.01;
  double dan_lr = 1e-4;
  std::array<int64_t, 3> patch_size{128, 128, 128};
  uint64_t seed = 1337;
  double ema_decay = 0.99;
  double consistency = 0.1;
  double consistency_rampup = 200.0;
  int64_t num_rounds = 3;
  int64_t knn_k = 5;
  double uncertainty_quantile = 0.9;
  int64_t num_classes = 2;
  std::string sam_ckpt = "pretrained_ckpt/sam_med3d_turbo.pth";
  std::string image_key = "image";
  bool binary_label = false;
  double dtc_sdf_weight = 0.0;  // 0: the reference (its SDF loss has no effect)

  // This implementation's own.
  std::string features;                // an `extract` cache of the training cases to use instead of
                                      // running the encoder (checked against the encoder settings)
  std::string model_root = "model";   // runs go to <model_root>/<exp>_<BACKBONE>_<n>label_1/<model>/
  std::string device = "auto";        // auto (GPU if visible, else CPU), cuda, cuda:N or cpu
  std::string precision = "tf32";     // fp32 | tf32 | bf16 compute
  // How cuDNN convolution algorithms are chosen: heuristic (cuDNN's heuristics, the reference's
  // cudnn.benchmark = False) or benchmark (timed once per shape; the choices are saved with the
  // state, so a resumed run uses the same algorithms and stays bit-identical). No effect on the CPU.
  std::string conv_search = "heuristic";
  std::string sam_encoder = "vit_b_ori";  // vit_b_ori | tiny (demo/test configuration)
  bool sam_random_weights = false;    // no checkpoint: seeded random encoder (demo only, loud)
  int64_t base_filters = 16;          // U-Net width (16 = the reference)
  int64_t discriminator_ndf = 64;     // DAN discriminator width (64 = the reference)
  int64_t val_interval = 200;
  int64_t save_interval = 3000;
  int64_t val_stride = 96;
  int64_t pseudo_stride = 64;
  int64_t log_interval = 20;          // iterations between progress lines
  int64_t stop_after = 0;             // > 0: save the state and stop after this many iterations
                                      // of this invocation (resume later with `resume`)
  bool resume = false;                // continue the run found in the experiment folder
};

// Throws naming the flag and the value for anything out of range (patch not a multiple of 16,
// labeled_bs ≥ batch_size, unknown backbone, precision or encoder, quantile outside [0, 1], ...).
void validate(const TrainConfig& config);

// "<model_root>/<exp>_<BACKBONE>_<labeled_num>label_1/<model>" with model unet_3D (unet_3D_sdf for
// dtc): SPEC §8's model/{exp}_{BACKBONE}_1label_1/{model}/.
std::string experiment_dir(const TrainConfig& config);

// The settings that decide the numbers a run computes, as text (stored in checkpoints and compared
// on resume: a resumed run must use the same ones). Excludes device, intervals of logging,
// stop_after and resume.
std::map<std::string, std::string> run_fingerprint(const TrainConfig& config);

}  // namespace semisam::ssl
