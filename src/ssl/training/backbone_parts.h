// Pieces the four backbones share (implemented in backbone.cpp): their factories, SPEC §4's SGD
// and learning rate, teacher noise, batch checks, and the conversions between live training state
// and checkpoint groups / random streams.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "layers/module.h"
#include "layers/optim.h"
#include "models/unet3d.h"
#include "ssl/training/backbone.h"
#include "tensor/generator.h"

namespace semisam::ssl::detail {

std::unique_ptr<Backbone> make_mt_backbone(const BackboneOptions& options);
std::unique_ptr<Backbone> make_uamt_backbone(const BackboneOptions& options);
std::unique_ptr<Backbone> make_dan_backbone(const BackboneOptions& options);
std::unique_ptr<Backbone> make_dtc_backbone(const BackboneOptions& options);

// Derived seeds of the named random streams, so that changing one use of randomness leaves the
// others unchanged (the same derivation as ssl::MeanTeacher's).
constexpr uint64_t kDropoutStream = 0x6a09e667f3bcc908ull;
constexpr uint64_t kNoiseStream = 0xbb67ae8584caa73bull;
constexpr uint64_t kDiscriminatorInitStream = 0x3c6ef372fe94f82bull;
constexpr uint64_t kDiscriminatorDropoutStream = 0xa54ff53a5f1d36f1ull;

// SGD (momentum, weight decay of `options`) over the network's parameters at base_lr.
std::unique_ptr<layers::SGD> make_sgd(const layers::Module& network,
                                      const BackboneOptions& options);
// The rate the poly schedule has set once `iterations_done` iterations have run (base_lr before
// the first): what a resumed run continues with.
double lr_after(const BackboneOptions& options, int64_t iterations_done);

// A step's report with SPEC §4's loss weights for `iteration` and the rate the step runs at.
StepReport scheduled_report(const BackboneOptions& options, int64_t iteration, double lr);

// clamp(N(0, std²), −clip, clip) with `like`'s shape, dtype and device, drawn from `gen`.
Tensor teacher_noise(const Tensor& like, Generator& gen, double std, double clip);

// Throws unless images are [B, 1, X, Y, Z], labels [B, X, Y, Z] of the same B and volume, and
// labeled_bs leaves at least one labelled and one unlabelled case.
void check_batch(const std::string& backbone, const Tensor& images, const Tensor& labels,
                 int64_t labeled_bs);

// Segmentation logits of `network` in evaluation mode without gradients; the previous mode is
// restored afterwards (the reference's model.eval() … model.train() around validation).
Tensor predict_in_eval_mode(models::UNet3D& network, const Tensor& images, Generator& dropout_gen);

// Copies (not views) of named tensors as a checkpoint group: the live tensors keep changing.
io::TensorList snapshot(const std::vector<std::pair<std::string, Tensor>>& named);
std::vector<std::pair<std::string, Tensor>> as_named(const io::TensorList& list);

// Throws unless `groups` holds exactly the `expected` group names; lists both.
void check_group_names(const std::string& backbone,
                       const std::map<std::string, io::TensorList>& groups,
                       const std::vector<std::string>& expected);

// Random streams by name; loading needs exactly these names.
using NamedGenerators = std::vector<std::pair<std::string, Generator*>>;
std::map<std::string, io::RngState> rng_states(const NamedGenerators& generators);
void load_rng_states(const std::string& backbone,
                     const std::map<std::string, io::RngState>& streams,
                     const NamedGenerators& generators);

// A backbone that trains one segmentation network with SGD and draws its dropout from one stream
// (DAN and DTC; the Mean-Teacher family has a teacher as well).
class SingleNetworkBackbone : public Backbone {
 public:
  Tensor predict_logits(const Tensor& images) override {
    return predict_in_eval_mode(*network_, images, dropout_gen_);
  }
  std::string architecture() const override { return network_->architecture(); }
  io::TensorList segmentation_parameters() const override {
    return snapshot(network_->parameter_values());
  }
  void load_segmentation_parameters(const io::TensorList& params) override {
    network_->load_parameters(as_named(params));
  }
  void set_progress(int64_t iterations_done) override {
    optimizer_->set_lr(lr_after(options_, iterations_done));
  }

 protected:
  // The network (unet_3D, or unet_3D_sdf with `sdf_head`) drawn from options.seed, on
  // options.device in training mode, and its SGD.
  SingleNetworkBackbone(const BackboneOptions& options, bool sdf_head);

  // mutable: a const member lends the generator to rng_states(), which only reads it.
  mutable Generator dropout_gen_;
  std::unique_ptr<models::UNet3D> network_;
  std::unique_ptr<layers::SGD> optimizer_;
};

}  // namespace semisam::ssl::detail
