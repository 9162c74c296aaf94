// The four training backbones of SPEC §4 (mt, uamt, dan, dtc) behind one interface, so that the
// round driver samples batches, steps, validates, checkpoints and resumes without knowing which
// one it runs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/checkpoint.h"
#include "models/unet3d.h"
#include "tensor/tensor.h"

namespace semisam::ssl {

struct BackboneOptions {
  std::string name = "uamt";  // mt | uamt | dan | dtc (dtc selects unet_3D_sdf)
  models::UNet3DOptions network;  // sdf_head is set by make_backbone for dtc
  int64_t labeled_bs = 1;
  int64_t max_iterations = 15000;
  double base_lr = 0.01;
  double momentum = 0.9;
  double weight_decay = 1e-4;
  double ema_decay = 0.99;
  double consistency = 0.1;
  double consistency_rampup = 200.0;
  double noise_std = 0.1, noise_clip = 0.2;
  double dan_lr = 1e-4;            // Adam of the DAN discriminator (betas 0.9 / 0.99)
  int64_t discriminator_ndf = 64;  // width of the DAN discriminator
  double dtc_sdf_weight = 0.0;     // --dtc_sdf_weight β: adds β·L1(sdf, SDF(label)); 0 = reference
  uint64_t seed = 1337;
  Device device = Device::cpu();
};

// One iteration's scalars. `terms` are 0-d tensors on the device, named as the log prints them
// ("total", "supervised", "consistency", "pseudo", ...); read them only when logging.
struct StepReport {
  std::vector<std::pair<std::string, Tensor>> terms;
  double consistency_weight = 0, pseudo_weight = 0, lr = 0;
};

class Backbone {
 public:
  virtual ~Backbone() = default;
  // images [B, 1, X, Y, Z] float32; labels [B, X, Y, Z] uint8: ground truth for the first
  // labeled_bs cases, current pseudo-labels for the rest; iteration is 0-based.
  virtual StepReport step(const Tensor& images, const Tensor& labels, int64_t iteration) = 0;
  // Segmentation logits [B, num_classes, X, Y, Z] of the network that validation, pseudo-labelling
  // and testing use (the student; DTC's seg head), in evaluation mode and without gradients.
  virtual Tensor predict_logits(const Tensor& images) = 0;
  // "unet_3D" or "unet_3D_sdf": what checkpoints of the segmentation network record.
  virtual std::string architecture() const = 0;
  const BackboneOptions& options() const { return options_; }

  // The segmentation network's parameters (checkpoint group "params": the best model, testing).
  virtual io::TensorList segmentation_parameters() const = 0;
  virtual void load_segmentation_parameters(const io::TensorList& params) = 0;
  // Everything else a resumed run needs, as checkpoint groups ("teacher", "optimizer",
  // "discriminator", "discriminator_optimizer", ...) and random streams by name.
  virtual std::map<std::string, io::TensorList> training_state() const = 0;
  virtual void load_training_state(const std::map<std::string, io::TensorList>& groups) = 0;
  virtual std::map<std::string, io::RngState> rng_state() const = 0;
  virtual void load_rng_state(const std::map<std::string, io::RngState>& streams) = 0;
  // Sets the optimiser's learning rate as it stands after `iterations_done` iterations (resume).
  virtual void set_progress(int64_t iterations_done) = 0;

 protected:
  explicit Backbone(BackboneOptions options) : options_(std::move(options)) {}
  BackboneOptions options_;
};

// Fresh networks for one round (SPEC §4: every round starts from a new initialisation drawn from
// options.seed). Throws naming the backbone when it is unknown (listing the valid names). The
// patch size is not among the options, so DAN checks it in step(), before any work: an error
// names the size when its discriminator cannot take the patch (its final map must pool to 1³:
// 96³–191³ on every axis).
std::unique_ptr<Backbone> make_backbone(const BackboneOptions& options);

// The backbone names make_backbone accepts.
const std::vector<std::string>& backbone_names();

}  // namespace semisam::ssl
