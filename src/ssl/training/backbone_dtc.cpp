// The "dtc" backbone (SPEC §4 DTC): unet_3D_sdf whose segmentation and signed-distance heads are
// tied by a consistency term (sigmoid(−1500·sdf) against sigmoid(seg)).
#include "autograd/ops.h"
#include "kernels/copy.h"
#include "layers/activation.h"
#include "layers/loss.h"
#include "layers/lr.h"
#include "ssl/training/backbone_parts.h"
#include "ssl/training/losses.h"

namespace semisam::ssl::detail {
namespace {

class DualTaskBackbone : public SingleNetworkBackbone {
 public:
  explicit DualTaskBackbone(const BackboneOptions& options);

  StepReport step(const Tensor& images, const Tensor& labels, int64_t iteration) override;
  // Group "optimizer" (SGD momentum).
  std::map<std::string, io::TensorList> training_state() const override {
    return {{io::kOptimizerGroup, snapshot(optimizer_->state())}};
  }
  void load_training_state(const std::map<std::string, io::TensorList>& groups) override {
    check_group_names(options_.name, groups, {io::kOptimizerGroup});
    optimizer_->load_state(as_named(groups.at(io::kOptimizerGroup)));
  }
  // Stream "dropout".
  std::map<std::string, io::RngState> rng_state() const override {
    return rng_states({{"dropout", &dropout_gen_}});
  }
  void load_rng_state(const std::map<std::string, io::RngState>& streams) override {
    load_rng_states(options_.name, streams, {{"dropout", &dropout_gen_}});
  }
};

DualTaskBackbone::DualTaskBackbone(const BackboneOptions& options)
    : SingleNetworkBackbone(options, /*sdf_head=*/true) {
  SEMISAM_CHECK(options.dtc_sdf_weight >= 0,
                "make_backbone(dtc): dtc_sdf_weight must be >= 0, got ", options.dtc_sdf_weight);
}

StepReport DualTaskBackbone::step(const Tensor& images, const Tensor& labels, int64_t iteration) {
  check_batch(options_.name, images, labels, options_.labeled_bs);
  const int64_t batch = images.size(0), labelled = options_.labeled_bs, rest = batch - labelled;
  StepReport report = scheduled_report(options_, iteration, optimizer_->lr());

  network_->train();
  models::UNet3DOutput out = network_->forward(ag::Variable(images), dropout_gen_);
  ag::Variable seg_prob = layers::sigmoid(out.seg);
  ag::Variable dis_mask = dtc_distance_mask(out.sdf);
  const Tensor truth = labels.narrow(0, 0, labelled);
  const Tensor pseudo_labels = labels.narrow(0, labelled, rest);

  ag::Variable supervised = dtc_segmentation_loss(ag::narrow(out.seg, 0, 0, labelled),
                                                  ag::narrow(seg_prob, 0, 0, labelled), truth);
  ag::Variable dis_dice = layers::binary_dice_loss(ag::narrow(dis_mask, 0, 0, labelled), truth);
  ag::Variable consistency = layers::mse_loss(dis_mask, seg_prob);
  ag::Variable pseudo =
      dtc_segmentation_loss(ag::narrow(out.seg, 0, labelled, rest),
                            ag::narrow(seg_prob, 0, labelled, rest), pseudo_labels);
  ag::Variable total = ag::add(
      ag::add(ag::add(supervised, dis_dice), ag::mul(consistency, report.consistency_weight)),
      ag::mul(pseudo, report.pseudo_weight));
  report.terms = {{"supervised", supervised.value()},
                  {"dis_dice", dis_dice.value()},
                  {"consistency", consistency.value()},
                  {"pseudo", pseudo.value()}};

  if (options_.dtc_sdf_weight > 0) {
    // Original DTC's SDF regression, on the labelled part only: the reference computes the map
    // for the first labeled_bs cases, and pseudo-labels are too unreliable to regress distances
    // on. Every channel of the SDF head is compared with the map of labels == 1, the mask that
    // dis_dice broadcasts over those same channels.
    ag::Variable sdf = ag::narrow(out.sdf, 0, 0, labelled);
    Tensor target = dtc_sdf_target(truth).unsqueeze(1).expand(sdf.shape());
    ag::Variable sdf_loss = layers::l1_loss(sdf, ag::Variable(ops::contiguous(target)));
    total = ag::add(total, ag::mul(sdf_loss, options_.dtc_sdf_weight));
    report.terms.emplace_back("sdf", sdf_loss.value());
  }
  report.terms.insert(report.terms.begin(), {"total", total.value()});

  optimizer_->zero_grad();
  total.backward();
  optimizer_->step();
  optimizer_->set_lr(layers::poly_lr(options_.base_lr, iteration, options_.max_iterations));
  return report;
}

}  // namespace

std::unique_ptr<Backbone> make_dtc_backbone(const BackboneOptions& options) {
  return std::make_unique<DualTaskBackbone>(options);
}

}  // namespace semisam::ssl::detail
