// One Mean-Teacher training iteration (SPEC §4, backbone "mt"): student forward and backward on
// a batch of labelled then unlabelled cases, teacher forward on the noisy unlabelled images,
// supervised + consistency + pseudo-label losses, SGD step, EMA of the teacher, poly learning
// rate. Everything stays on the batch's device; nothing synchronises with the host except the
// loss values the caller asks for.
#pragma once

#include <memory>

#include "layers/optim.h"
#include "models/unet3d.h"
#include "tensor/generator.h"

namespace semisam::ssl {

struct MeanTeacherOptions {
  models::UNet3DOptions network;
  int64_t labeled_bs = 1;
  int64_t max_iterations = 15000;
  double base_lr = 0.01;
  double momentum = 0.9;
  double weight_decay = 1e-4;
  double ema_decay = 0.99;
  double consistency = 0.1;
  double consistency_rampup = 200.0;
  double noise_std = 0.1, noise_clip = 0.2;
  uint64_t seed = 1337;
  Device device = Device::cpu();
};

// The loss terms of one iteration, as 0-d tensors on the device (read them only when logging).
struct MeanTeacherLosses {
  Tensor total, supervised, consistency, pseudo;
  double consistency_weight = 0, pseudo_weight = 0, lr = 0;
};

class MeanTeacher {
 public:
  explicit MeanTeacher(const MeanTeacherOptions& options);

  // images [B, 1, X, Y, Z] float32; labels [B, X, Y, Z] uint8: ground truth for the first
  // labeled_bs cases, current pseudo-labels for the rest. Runs iteration `iteration` (0-based).
  MeanTeacherLosses step(const Tensor& images, const Tensor& labels, int64_t iteration);

  // The end of an iteration, shared with the UA-MT backbone: backward of `total`, SGD step, EMA of
  // the teacher, and the poly learning rate set after iteration `iteration`.
  void apply_update(const ag::Variable& total, int64_t iteration);

  models::UNet3D& student() { return *student_; }
  models::UNet3D& teacher() { return *teacher_; }
  layers::SGD& optimizer() { return *optimizer_; }
  Generator& dropout_generator() { return dropout_gen_; }
  Generator& noise_generator() { return noise_gen_; }
  const MeanTeacherOptions& options() const { return options_; }

 private:
  MeanTeacherOptions options_;
  Generator init_gen_, dropout_gen_, noise_gen_;
  std::unique_ptr<models::UNet3D> student_, teacher_;
  std::unique_ptr<layers::SGD> optimizer_;
};

}  // namespace semisam::ssl
