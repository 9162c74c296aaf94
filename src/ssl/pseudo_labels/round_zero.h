// SPEC §3, round 0: SAM-Med3D features of every training case (cached in the experiment folder)
// and the prototype pseudo-labels the first round trains on.
#pragma once

#include <string>
#include <vector>

#include "ssl/pseudo_labels/features.h"
#include "ssl/run/run_log.h"
#include "ssl/run/train_config.h"
#include "ssl/training/training_set.h"

namespace semisam::ssl {

// The encoder configuration a run uses and the crop its features were taken from.
models::SamEncoderOptions encoder_options(const TrainConfig& config);

// Features of the labelled then the unlabelled cases (train.txt order): read from
// config.features when set (an `extract` cache; an error when it does not fit the encoder,
// weights or cases), else from <experiment>/features.h5 when that cache was made from the same
// encoder and weights, else computed (a progress line per case) and cached there atomically.
std::vector<CaseFeatures> training_features(const TrainConfig& config, const TrainingSet& set,
                                            const std::string& experiment_dir, Device device,
                                            RunLog& log);

// SPEC §3 steps 2–4: prototypes of the labelled cases, the pseudo-label of every unlabelled case
// (its original shape), and a log line with their mean foreground fraction.
std::vector<Tensor> round_zero_pseudo_labels(const TrainConfig& config, const TrainingSet& set,
                                             const std::vector<CaseFeatures>& features,
                                             RunLog& log);

// SPEC §6 step 3 (also used after round 0): the mean Dice per foreground class of the
// pseudo-labels against the labels their unlabelled files hold (never used for training). Empty
// when no unlabelled file holds a label.
struct PseudoLabelQuality {
  std::vector<double> class_dice;
  int64_t cases = 0;
};
PseudoLabelQuality pseudo_label_quality(const TrainConfig& config, const TrainingSet& set,
                                        const std::vector<Tensor>& pseudo_labels);

// A log line with that quality; nothing when it is empty.
void log_pseudo_label_quality(const PseudoLabelQuality& quality, const std::string& when,
                              RunLog& log);

}  // namespace semisam::ssl
