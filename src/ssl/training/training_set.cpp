// Loading the training run's cases and assembling augmented batches.
#include "ssl/training/training_set.h"

#include "io/split_list.h"
#include "tensor/error.h"
#include "kernels/copy.h"
#include "kernels/shape_ops.h"
#include "ssl/training/augment.h"
#include "ssl/run/run_log.h"

namespace semisam::ssl {

io::DatasetOptions dataset_options(const TrainConfig& config) {
  io::DatasetOptions options;
  options.image_key = config.image_key;
  options.binary_label = config.binary_label;
  options.num_classes = config.num_classes;
  return options;
}

TrainingSet load_training_set(const TrainConfig& config, RunLog& log) {
  const io::DatasetOptions options = dataset_options(config);
  auto progress = [&log](const char* split) {
    return [&log, split](size_t i, size_t n, const io::Case& c) {
      log.line("loaded %s %zu/%zu %s %s%s", split, i + 1, n, c.name.c_str(),
               shape_str(c.image.shape()).c_str(), c.has_label() ? " (with label)" : "");
    };
  };
  // Labels of unlabelled cases are read if present, then moved aside at once: they feed only the
  // pseudo-label quality report, never a loss — so a bad one costs the report, not the run.
  const std::vector<std::string> names =
      io::read_split_list(io::split_list_path(config.root_path, "train.txt"));
  SEMISAM_CHECK(int64_t(names.size()) > config.labeled_num, config.root_path, "/train.txt lists ",
                names.size(), " cases but --labeled_num is ", config.labeled_num,
                ": at least one unlabelled case is needed");
  auto report = progress("train");
  std::vector<io::Case> train;
  for (size_t i = 0; i < names.size(); ++i) {
    if (int64_t(i) < config.labeled_num) {
      train.push_back(io::load_case(config.root_path, names[i], options, io::LabelMode::Require));
    } else {
      try {
        train.push_back(
            io::load_case(config.root_path, names[i], options, io::LabelMode::IfPresent));
      } catch (const Error& e) {
        train.push_back(io::load_case(config.root_path, names[i], options, io::LabelMode::Skip));
        log.line("WARNING: the label in %s is unusable for the quality report: %s",
                 train.back().path.c_str(), e.what());
      }
    }
    report(i, names.size(), train.back());
  }
  TrainingSet set;
  for (size_t i = 0; i < train.size(); ++i) {
    if (int64_t(i) < config.labeled_num) {
      set.labelled.push_back(std::move(train[i]));
    } else {
      set.quality_labels.push_back(train[i].label);
      train[i].label = Tensor();
      set.unlabelled.push_back(std::move(train[i]));
    }
  }
  set.validation = io::load_split(config.root_path, "val.txt", options, -1,
                                  io::LabelMode::Require, progress("val"));
  return set;
}

Batch assemble_batch(const TrainingSet& set, const BatchSchedule& schedule,
                     const TrainConfig& config, uint64_t augment_seed, int64_t iteration,
                     Device device) {
  const BatchIndices indices = schedule.at(iteration);
  std::vector<Tensor> images, labels;
  int64_t sample = 0;
  auto add = [&](const Tensor& image, const Tensor& label) {
    AugmentParams params = draw_augmentation({image.size(0), image.size(1), image.size(2)},
                                             config.patch_size, augment_seed, iteration, sample++);
    Patch patch = apply_augmentation(image, label, params, config.patch_size);
    images.push_back(patch.image.unsqueeze(0).unsqueeze(0));
    labels.push_back(patch.label.unsqueeze(0));
  };
  for (int64_t i : indices.labelled) add(set.labelled[i].image, set.labelled[i].label);
  for (int64_t i : indices.unlabelled) add(set.unlabelled[i].image, set.pseudo_labels[i]);
  Batch batch;
  batch.images = ops::to_device(ops::concat(images, 0), device);
  batch.labels = ops::to_device(ops::concat(labels, 0), device);
  return batch;
}

}  // namespace semisam::ssl
