// The "mt" backbone (SPEC §4: an ssl::MeanTeacher behind the Backbone interface) and the base of
// "uamt", which keeps its networks, optimiser and random streams and replaces only the step.
#pragma once

#include <memory>

#include "ssl/training/backbone.h"
#include "ssl/training/mean_teacher.h"

namespace semisam::ssl::detail {

class MeanTeacherBackbone : public Backbone {
 public:
  explicit MeanTeacherBackbone(const BackboneOptions& options);

  StepReport step(const Tensor& images, const Tensor& labels, int64_t iteration) override;
  Tensor predict_logits(const Tensor& images) override;
  std::string architecture() const override;

  io::TensorList segmentation_parameters() const override;
  void load_segmentation_parameters(const io::TensorList& params) override;
  // Groups "teacher" (EMA parameters) and "optimizer" (SGD momentum).
  std::map<std::string, io::TensorList> training_state() const override;
  void load_training_state(const std::map<std::string, io::TensorList>& groups) override;
  // Streams "dropout" (student and teacher) and "noise" (teacher input noise). The parameter
  // initialisation draws from a stream of its own at construction only; a resumed run loads the
  // parameters instead.
  std::map<std::string, io::RngState> rng_state() const override;
  void load_rng_state(const std::map<std::string, io::RngState>& streams) override;
  void set_progress(int64_t iterations_done) override;

 protected:
  // Held by pointer so that const members can read the generators through its accessors.
  std::unique_ptr<MeanTeacher> mt_;
};

}  // namespace semisam::ssl::detail
