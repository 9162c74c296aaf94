// SPEC §6, between rounds: new pseudo-labels from the round's best model (sliding window with
// pseudo_stride), their uncertainty, and the KNN refinement of the most uncertain ones.
#pragma once

#include <vector>

#include "ssl/training/backbone.h"
#include "ssl/pseudo_labels/features.h"
#include "ssl/run/run_log.h"
#include "ssl/run/train_config.h"
#include "ssl/training/training_set.h"

namespace semisam::ssl {

// features: labelled then unlabelled cases (training_features' order). Returns the pseudo-label
// of every unlabelled case for the next round.
std::vector<Tensor> refined_pseudo_labels(const TrainConfig& config, const TrainingSet& set,
                                          const std::vector<CaseFeatures>& features,
                                          Backbone& backbone, Device device, RunLog& log);

}  // namespace semisam::ssl
