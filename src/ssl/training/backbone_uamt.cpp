// The "uamt" backbone (SPEC §4 UA-MT): Mean Teacher whose consistency only counts the voxels where
// eight stochastic teacher passes agree (low entropy of their mean softmax).
#include "autograd/ops.h"
#include "kernels/elementwise.h"
#include "kernels/shape_ops.h"
#include "layers/softmax.h"
#include "ssl/training/backbone_mean_teacher.h"
#include "ssl/training/backbone_parts.h"
#include "ssl/training/losses.h"

namespace semisam::ssl::detail {
namespace {

// The reference runs the teacher kPasses/2 times on the unlabelled batch duplicated twice.
constexpr int kPasses = 8;

class UncertaintyMeanTeacherBackbone : public MeanTeacherBackbone {
 public:
  using MeanTeacherBackbone::MeanTeacherBackbone;
  StepReport step(const Tensor& images, const Tensor& labels, int64_t iteration) override;

 private:
  // Mean over kPasses noisy teacher passes of the softmax, [U, C, X, Y, Z].
  Tensor mean_teacher_probability(const Tensor& unlabelled_images);
};

Tensor UncertaintyMeanTeacherBackbone::mean_teacher_probability(const Tensor& unlabelled_images) {
  ag::NoGradGuard no_grad;
  const int64_t count = unlabelled_images.size(0);
  const Tensor doubled = ops::concat({unlabelled_images, unlabelled_images}, 0);
  Tensor sum;
  for (int pass = 0; pass < kPasses / 2; ++pass) {
    Tensor noisy = ops::add(doubled, teacher_noise(doubled, mt_->noise_generator(),
                                                   options_.noise_std, options_.noise_clip));
    Tensor logits =
        mt_->teacher().forward(ag::Variable(noisy), mt_->dropout_generator()).seg.value();
    Tensor prob = layers::softmax(ag::Variable(logits), 1).value();
    sum = sum.defined() ? ops::add(sum, prob) : prob;
  }
  return ops::mul(ops::add(sum.narrow(0, 0, count), sum.narrow(0, count, count)), 1.0 / kPasses);
}

StepReport UncertaintyMeanTeacherBackbone::step(const Tensor& images, const Tensor& labels,
                                                int64_t iteration) {
  check_batch(options_.name, images, labels, options_.labeled_bs);
  const int64_t batch = images.size(0), labelled = options_.labeled_bs;
  StepReport report = scheduled_report(options_, iteration, mt_->optimizer().lr());

  const Tensor unlabelled_images = images.narrow(0, labelled, batch - labelled);
  // The plain teacher input is drawn before the student runs, as in the reference.
  const Tensor teacher_input =
      ops::add(unlabelled_images, teacher_noise(unlabelled_images, mt_->noise_generator(),
                                                options_.noise_std, options_.noise_clip));
  ag::Variable logits = mt_->student().forward(ag::Variable(images), mt_->dropout_generator()).seg;
  ag::Variable labelled_logits = ag::narrow(logits, 0, 0, labelled);
  ag::Variable unlabelled_logits = ag::narrow(logits, 0, labelled, batch - labelled);

  Tensor teacher_logits, mean_prob;
  {
    ag::NoGradGuard no_grad;
    teacher_logits =
        mt_->teacher().forward(ag::Variable(teacher_input), mt_->dropout_generator()).seg.value();
    mean_prob = mean_teacher_probability(unlabelled_images);
  }

  ag::Variable supervised = supervised_loss(labelled_logits, labels.narrow(0, 0, labelled));
  ag::Variable consistency =
      uncertainty_masked_mse(unlabelled_logits, teacher_logits, mean_prob,
                             uncertainty_threshold(iteration, options_.max_iterations));
  ag::Variable pseudo =
      supervised_loss(unlabelled_logits, labels.narrow(0, labelled, batch - labelled));
  ag::Variable total = ag::add(ag::add(supervised, ag::mul(consistency, report.consistency_weight)),
                               ag::mul(pseudo, report.pseudo_weight));

  mt_->apply_update(total, iteration);

  report.terms = {{"total", total.value()},
                  {"supervised", supervised.value()},
                  {"consistency", consistency.value()},
                  {"pseudo", pseudo.value()}};
  return report;
}

}  // namespace

std::unique_ptr<Backbone> make_uamt_backbone(const BackboneOptions& options) {
  return std::make_unique<UncertaintyMeanTeacherBackbone>(options);
}

}  // namespace semisam::ssl::detail
