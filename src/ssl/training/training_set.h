// The cases one training run works on (SPEC §1, §4): the labelled cases with ground truth, the
// unlabelled ones with their current pseudo-labels, the validation cases, and the assembly of each
// iteration's augmented batch.
#pragma once

#include <string>
#include <vector>

#include "io/dataset.h"
#include "ssl/training/batch_schedule.h"
#include "ssl/run/train_config.h"

namespace semisam::ssl {

class RunLog;

struct TrainingSet {
  std::vector<io::Case> labelled;    // the first labeled_num names of train.txt, with labels
  std::vector<io::Case> unlabelled;  // the rest; their labels are never used for training
  // Per unlabelled case: the label its file holds, read only for the pseudo-label quality report
  // (undefined when the file has none).
  std::vector<Tensor> quality_labels;
  std::vector<io::Case> validation;  // val.txt, with labels
  // Per unlabelled case: the current pseudo-label (uint8, the case's shape, CPU).
  std::vector<Tensor> pseudo_labels;
};

io::DatasetOptions dataset_options(const TrainConfig& config);

// Loads train.txt and val.txt under config.root_path, printing a line per case. Throws when
// train.txt holds fewer than labeled_num + 1 cases (naming both numbers).
TrainingSet load_training_set(const TrainConfig& config, RunLog& log);

struct Batch {
  Tensor images;  // float32 [B, 1, P...] on the device: labelled cases first
  Tensor labels;  // uint8 [B, P...] on the device: ground truth, then pseudo-labels
};

// The batch of `iteration`: the cases the schedule names, each augmented (SPEC §4) with draws
// from `augment_seed`, stacked and moved to `device`.
Batch assemble_batch(const TrainingSet& set, const BatchSchedule& schedule,
                     const TrainConfig& config, uint64_t augment_seed, int64_t iteration,
                     Device device);

}  // namespace semisam::ssl
