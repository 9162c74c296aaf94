// The "dan" backbone (SPEC §4 DAN): unet_3D trained against a discriminator that tells labelled
// from unlabelled (softmax, image) pairs; the discriminator trains in a second phase (Adam).
#include "autograd/ops.h"
#include "kernels/copy.h"
#include "layers/loss.h"
#include "layers/lr.h"
#include "layers/softmax.h"
#include "models/discriminator3d.h"
#include "ssl/training/backbone_parts.h"
#include "ssl/training/losses.h"

namespace semisam::ssl::detail {
namespace {

constexpr const char* kDiscriminatorGroup = "discriminator";
constexpr const char* kDiscriminatorOptimizerGroup = "discriminator_optimizer";
// The discriminator's four stride-2 convolutions leave X/16, which its 6³ average pool must
// reduce to exactly 1.
constexpr int64_t kMinPatch = 96, kMaxPatch = 191;

class AdversarialBackbone : public SingleNetworkBackbone {
 public:
  explicit AdversarialBackbone(const BackboneOptions& options);

  StepReport step(const Tensor& images, const Tensor& labels, int64_t iteration) override;
  std::map<std::string, io::TensorList> training_state() const override;
  void load_training_state(const std::map<std::string, io::TensorList>& groups) override;
  // Streams "dropout" (network) and "discriminator_dropout" (Dropout3d of the discriminator).
  std::map<std::string, io::RngState> rng_state() const override { return rng_states(streams()); }
  void load_rng_state(const std::map<std::string, io::RngState>& streams) override {
    load_rng_states(options_.name, streams, this->streams());
  }
  // set_progress (inherited) moves only the network's SGD: the reference keeps Adam's rate fixed.

 private:
  NamedGenerators streams() const {
    return {{"dropout", &dropout_gen_}, {"discriminator_dropout", &discriminator_dropout_gen_}};
  }
  void check_patch(const Tensor& images) const;
  // Phase 2: the discriminator learns labelled = 1, unlabelled = 0 from the frozen network's
  // softmax; returns its cross entropy.
  Tensor train_discriminator(const Tensor& images, int64_t labelled);

  // mutable: a const member lends the generator to rng_states(), which only reads it.
  mutable Generator discriminator_dropout_gen_;
  std::unique_ptr<models::Discriminator3D> discriminator_;
  std::unique_ptr<layers::Adam> discriminator_optimizer_;
};

AdversarialBackbone::AdversarialBackbone(const BackboneOptions& options)
    : SingleNetworkBackbone(options, /*sdf_head=*/false),
      discriminator_dropout_gen_(options.seed ^ kDiscriminatorDropoutStream) {
  SEMISAM_CHECK(options.discriminator_ndf >= 1,
                "make_backbone(dan): discriminator_ndf must be >= 1, got ",
                options.discriminator_ndf);
  Generator discriminator_init_gen(options.seed ^ kDiscriminatorInitStream);
  models::Discriminator3DOptions d;
  d.num_classes = options_.network.num_classes;
  d.ndf = options.discriminator_ndf;
  discriminator_ = std::make_unique<models::Discriminator3D>(d, discriminator_init_gen);
  discriminator_->to(options.device);
  layers::AdamOptions adam;
  adam.beta1 = 0.9;
  adam.beta2 = 0.99;
  discriminator_optimizer_ =
      std::make_unique<layers::Adam>(discriminator_->named_parameters(), options.dan_lr, adam);
}

void AdversarialBackbone::check_patch(const Tensor& images) const {
  for (int64_t axis = 2; axis < 5; ++axis)
    SEMISAM_CHECK(images.size(axis) >= kMinPatch && images.size(axis) <= kMaxPatch,
                  "dan step: patch ", images.size(2), "×", images.size(3), "×", images.size(4),
                  " is outside the ", kMinPatch, "³–", kMaxPatch,
                  "³ range the discriminator takes (its last feature map must pool to 1³)");
}

Tensor AdversarialBackbone::train_discriminator(const Tensor& images, int64_t labelled) {
  const int64_t batch = images.size(0);
  network_->eval();
  Tensor prob;
  {
    ag::NoGradGuard no_grad;
    Tensor logits = network_->forward(ag::Variable(images), dropout_gen_).seg.value();
    prob = layers::softmax(ag::Variable(logits), 1).value();
  }
  network_->train();
  Tensor targets = ops::full({batch}, 0.0, DType::UInt8, images.device());
  ops::fill_(targets.narrow(0, 0, labelled), 1.0);
  discriminator_->train();
  ag::Variable loss = layers::cross_entropy(
      discriminator_->forward(ag::Variable(prob), ag::Variable(images), discriminator_dropout_gen_),
      targets);
  // Phase 1 sent gradients through the discriminator too; the reference's zero_grad drops them.
  discriminator_optimizer_->zero_grad();
  loss.backward();
  discriminator_optimizer_->step();
  return loss.value();
}

StepReport AdversarialBackbone::step(const Tensor& images, const Tensor& labels,
                                     int64_t iteration) {
  check_batch(options_.name, images, labels, options_.labeled_bs);
  check_patch(images);
  const int64_t batch = images.size(0), labelled = options_.labeled_bs;
  StepReport report = scheduled_report(options_, iteration, optimizer_->lr());

  // Phase 1: the network learns to make unlabelled predictions the discriminator takes for
  // labelled ones (target class 1); the discriminator judges without dropout.
  network_->train();
  discriminator_->eval();
  ag::Variable logits = network_->forward(ag::Variable(images), dropout_gen_).seg;
  ag::Variable labelled_logits = ag::narrow(logits, 0, 0, labelled);
  ag::Variable unlabelled_logits = ag::narrow(logits, 0, labelled, batch - labelled);
  ag::Variable unlabelled_prob =
      ag::narrow(layers::softmax(logits, 1), 0, labelled, batch - labelled);
  Tensor fooled = ops::full({batch - labelled}, 1.0, DType::UInt8, images.device());
  ag::Variable adversarial = layers::cross_entropy(
      discriminator_->forward(unlabelled_prob,
                              ag::Variable(images.narrow(0, labelled, batch - labelled)),
                              discriminator_dropout_gen_),
      fooled);
  ag::Variable supervised = supervised_loss(labelled_logits, labels.narrow(0, 0, labelled));
  ag::Variable pseudo =
      supervised_loss(unlabelled_logits, labels.narrow(0, labelled, batch - labelled));
  ag::Variable total = ag::add(ag::add(supervised, ag::mul(adversarial, report.consistency_weight)),
                               ag::mul(pseudo, report.pseudo_weight));
  optimizer_->zero_grad();
  total.backward();
  optimizer_->step();

  Tensor discriminator_loss = train_discriminator(images, labelled);
  optimizer_->set_lr(layers::poly_lr(options_.base_lr, iteration, options_.max_iterations));

  // The reference logs the adversarial term as its consistency loss.
  report.terms = {{"total", total.value()},
                  {"supervised", supervised.value()},
                  {"consistency", adversarial.value()},
                  {"pseudo", pseudo.value()},
                  {"discriminator", discriminator_loss}};
  return report;
}

std::map<std::string, io::TensorList> AdversarialBackbone::training_state() const {
  return {{io::kOptimizerGroup, snapshot(optimizer_->state())},
          {kDiscriminatorGroup, snapshot(discriminator_->parameter_values())},
          {kDiscriminatorOptimizerGroup, snapshot(discriminator_optimizer_->state())}};
}

void AdversarialBackbone::load_training_state(const std::map<std::string, io::TensorList>& groups) {
  check_group_names(options_.name, groups,
                    {io::kOptimizerGroup, kDiscriminatorGroup, kDiscriminatorOptimizerGroup});
  optimizer_->load_state(as_named(groups.at(io::kOptimizerGroup)));
  discriminator_->load_parameters(as_named(groups.at(kDiscriminatorGroup)));
  discriminator_optimizer_->load_state(as_named(groups.at(kDiscriminatorOptimizerGroup)));
}

}  // namespace

std::unique_ptr<Backbone> make_dan_backbone(const BackboneOptions& options) {
  return std::make_unique<AdversarialBackbone>(options);
}

}  // namespace semisam::ssl::detail
