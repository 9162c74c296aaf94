// The Mean-Teacher iteration.
#include "ssl/training/mean_teacher.h"

#include "autograd/ops.h"
#include "kernels/elementwise.h"
#include "kernels/random.h"
#include "layers/ema.h"
#include "layers/lr.h"
#include "ssl/training/losses.h"
#include "ssl/training/schedules.h"

namespace semisam::ssl {

MeanTeacher::MeanTeacher(const MeanTeacherOptions& options)
    : options_(options),
      init_gen_(options.seed),
      // Separate streams so that changing one use of randomness leaves the others unchanged.
      dropout_gen_(options.seed ^ 0x6a09e667f3bcc908ull),
      noise_gen_(options.seed ^ 0xbb67ae8584caa73bull) {
  student_ = std::make_unique<models::UNet3D>(options.network, init_gen_);
  teacher_ = std::make_unique<models::UNet3D>(options.network, init_gen_);
  student_->to(options.device);
  teacher_->to(options.device);
  student_->train();
  teacher_->train();  // the reference keeps the teacher in training mode: its dropout is active
  layers::SgdOptions sgd;
  sgd.momentum = options.momentum;
  sgd.weight_decay = options.weight_decay;
  optimizer_ = std::make_unique<layers::SGD>(student_->named_parameters(), options.base_lr, sgd);
}

MeanTeacherLosses MeanTeacher::step(const Tensor& images, const Tensor& labels,
                                    int64_t iteration) {
  const int64_t batch = images.size(0), labelled = options_.labeled_bs;
  SEMISAM_CHECK(images.dim() == 5 && labels.dim() == 4 && labels.size(0) == batch,
                "MeanTeacher::step: images ", images.str(), " and labels ", labels.str(),
                " must be [B, 1, X, Y, Z] and [B, X, Y, Z]");
  SEMISAM_CHECK(labelled >= 1 && labelled < batch, "MeanTeacher::step: labeled_bs ", labelled,
                " must leave at least one unlabelled case in a batch of ", batch);
  MeanTeacherLosses out;
  out.consistency_weight =
      consistency_weight(iteration, options_.consistency, options_.consistency_rampup);
  out.pseudo_weight = pseudo_label_weight(iteration, options_.max_iterations);
  out.lr = optimizer_->lr();

  const Tensor unlabelled_images = images.narrow(0, labelled, batch - labelled);
  const Tensor truth = labels.narrow(0, 0, labelled);
  const Tensor pseudo_labels = labels.narrow(0, labelled, batch - labelled);

  ag::Variable logits = student_->forward(ag::Variable(images), dropout_gen_).seg;
  ag::Variable labelled_logits = ag::narrow(logits, 0, 0, labelled);
  ag::Variable unlabelled_logits = ag::narrow(logits, 0, labelled, batch - labelled);

  Tensor teacher_logits;
  {
    ag::NoGradGuard no_grad;
    Tensor noise = Tensor::empty(unlabelled_images.shape(), images.dtype(), images.device());
    ops::normal_(noise, noise_gen_, 0.0, options_.noise_std);
    noise = ops::binary_scalar(ops::BinaryOp::Minimum, noise, options_.noise_clip);
    noise = ops::binary_scalar(ops::BinaryOp::Maximum, noise, -options_.noise_clip);
    teacher_logits =
        teacher_->forward(ag::Variable(ops::add(unlabelled_images, noise)), dropout_gen_).seg.value();
  }

  ag::Variable supervised = supervised_loss(labelled_logits, truth);
  ag::Variable consistency = softmax_mse(unlabelled_logits, teacher_logits);
  ag::Variable pseudo = supervised_loss(unlabelled_logits, pseudo_labels);
  ag::Variable total = ag::add(ag::add(supervised, ag::mul(consistency, out.consistency_weight)),
                               ag::mul(pseudo, out.pseudo_weight));

  apply_update(total, iteration);

  out.total = total.value();
  out.supervised = supervised.value();
  out.consistency = consistency.value();
  out.pseudo = pseudo.value();
  return out;
}

void MeanTeacher::apply_update(const ag::Variable& total, int64_t iteration) {
  optimizer_->zero_grad();
  total.backward();
  optimizer_->step();
  layers::ema_update(teacher_->parameters(), student_->parameters(),
                     layers::ema_alpha(iteration, options_.ema_decay));
  optimizer_->set_lr(layers::poly_lr(options_.base_lr, iteration, options_.max_iterations));
}

}  // namespace semisam::ssl
