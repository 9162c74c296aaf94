// The "mt" backbone: ssl::MeanTeacher's iteration, its state as checkpoint groups and streams.
#include "kernels/copy.h"
#include "ssl/training/backbone_mean_teacher.h"
#include "ssl/training/backbone_parts.h"

namespace semisam::ssl::detail {
namespace {

MeanTeacherOptions mean_teacher_options(const BackboneOptions& o) {
  MeanTeacherOptions m;
  m.network = o.network;
  m.network.sdf_head = false;  // unet_3D
  m.labeled_bs = o.labeled_bs;
  m.max_iterations = o.max_iterations;
  m.base_lr = o.base_lr;
  m.momentum = o.momentum;
  m.weight_decay = o.weight_decay;
  m.ema_decay = o.ema_decay;
  m.consistency = o.consistency;
  m.consistency_rampup = o.consistency_rampup;
  m.noise_std = o.noise_std;
  m.noise_clip = o.noise_clip;
  m.seed = o.seed;
  m.device = o.device;
  return m;
}

}  // namespace

MeanTeacherBackbone::MeanTeacherBackbone(const BackboneOptions& options)
    : Backbone(options), mt_(std::make_unique<MeanTeacher>(mean_teacher_options(options))) {
  options_.network.sdf_head = false;
}

StepReport MeanTeacherBackbone::step(const Tensor& images, const Tensor& labels,
                                     int64_t iteration) {
  MeanTeacherLosses l = mt_->step(images, labels, iteration);
  StepReport report;
  report.terms = {{"total", l.total},
                  {"supervised", l.supervised},
                  {"consistency", l.consistency},
                  {"pseudo", l.pseudo}};
  report.consistency_weight = l.consistency_weight;
  report.pseudo_weight = l.pseudo_weight;
  report.lr = l.lr;
  return report;
}

Tensor MeanTeacherBackbone::predict_logits(const Tensor& images) {
  return predict_in_eval_mode(mt_->student(), images, mt_->dropout_generator());
}

std::string MeanTeacherBackbone::architecture() const { return mt_->student().architecture(); }

io::TensorList MeanTeacherBackbone::segmentation_parameters() const {
  return snapshot(mt_->student().parameter_values());
}

void MeanTeacherBackbone::load_segmentation_parameters(const io::TensorList& params) {
  mt_->student().load_parameters(as_named(params));
}

std::map<std::string, io::TensorList> MeanTeacherBackbone::training_state() const {
  return {{io::kTeacherGroup, snapshot(mt_->teacher().parameter_values())},
          {io::kOptimizerGroup, snapshot(mt_->optimizer().state())}};
}

void MeanTeacherBackbone::load_training_state(const std::map<std::string, io::TensorList>& groups) {
  check_group_names(options_.name, groups, {io::kTeacherGroup, io::kOptimizerGroup});
  mt_->teacher().load_parameters(as_named(groups.at(io::kTeacherGroup)));
  mt_->optimizer().load_state(as_named(groups.at(io::kOptimizerGroup)));
}

std::map<std::string, io::RngState> MeanTeacherBackbone::rng_state() const {
  return rng_states({{"dropout", &mt_->dropout_generator()}, {"noise", &mt_->noise_generator()}});
}

void MeanTeacherBackbone::load_rng_state(const std::map<std::string, io::RngState>& streams) {
  load_rng_states(options_.name, streams,
                  {{"dropout", &mt_->dropout_generator()}, {"noise", &mt_->noise_generator()}});
}

void MeanTeacherBackbone::set_progress(int64_t iterations_done) {
  mt_->optimizer().set_lr(lr_after(options_, iterations_done));
}

std::unique_ptr<Backbone> make_mt_backbone(const BackboneOptions& options) {
  return std::make_unique<MeanTeacherBackbone>(options);
}

}  // namespace semisam::ssl::detail
