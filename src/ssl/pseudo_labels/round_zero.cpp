// Round 0 of SemiSAM-O1: encoder features, prototypes and the first pseudo-labels.
#include "ssl/pseudo_labels/round_zero.h"

#include <filesystem>

#include "eval/class_metrics.h"
#include "ssl/pseudo_labels/prototypes.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

FeatureSource feature_source(const TrainConfig& config) {
  FeatureSource source;
  source.encoder = config.sam_encoder;
  source.checkpoint = config.sam_random_weights
                          ? "random(seed=" + std::to_string(config.seed) + ")"
                          : config.sam_ckpt;
  source.crop_size = encoder_options(config).img_size;
  return source;
}

std::vector<const io::Case*> training_cases(const TrainingSet& set) {
  std::vector<const io::Case*> cases;
  for (const io::Case& c : set.labelled) cases.push_back(&c);
  for (const io::Case& c : set.unlabelled) cases.push_back(&c);
  return cases;
}

}  // namespace

models::SamEncoderOptions encoder_options(const TrainConfig& config) {
  return config.sam_encoder == "tiny" ? models::sam_tiny_options() : models::sam_vit_b_ori();
}

std::vector<CaseFeatures> training_features(const TrainConfig& config, const TrainingSet& set,
                                            const std::string& experiment_dir, Device device,
                                            RunLog& log) {
  const std::vector<const io::Case*> cases = training_cases(set);
  std::vector<std::string> names;
  for (const io::Case* c : cases) names.push_back(c->name);
  const FeatureSource source = feature_source(config);
  if (!config.features.empty()) {
    std::vector<CaseFeatures> given = read_feature_cache(config.features, source, names);
    log.line("features: read %s (--features, %zu cases)", config.features.c_str(), given.size());
    return given;
  }
  const std::string cache = experiment_dir + "/features.h5";
  if (std::filesystem::exists(cache)) {
    try {
      std::vector<CaseFeatures> cached = read_feature_cache(cache, source, names);
      log.line("features: reusing %s (%zu cases)", cache.c_str(), cached.size());
      return cached;
    } catch (const Error& e) {
      log.line("features: not reusing %s: %s", cache.c_str(), e.what());
    }
  }
  const models::SamEncoderOptions options = encoder_options(config);
  Generator gen(config.seed);
  models::SamImageEncoder encoder(options, gen);
  if (config.sam_random_weights) {
    log.line("WARNING: the SAM encoder runs with RANDOM weights (seed %llu): the prototype "
             "pseudo-labels carry no anatomical knowledge. Demo and test use only.",
             (unsigned long long)config.seed);
  } else {
    load_sam_checkpoint(encoder, config.sam_ckpt);
    log.line("features: loaded the SAM-Med3D encoder from %s", config.sam_ckpt.c_str());
  }
  encoder.to(device);
  std::vector<CaseFeatures> features;
  for (size_t i = 0; i < cases.size(); ++i) {
    const double start = log.elapsed_seconds();
    features.push_back(extract_features(encoder, cases[i]->name, cases[i]->image, device));
    log.line("features %zu/%zu %s (%.2f s)", i + 1, cases.size(), cases[i]->name.c_str(),
             log.elapsed_seconds() - start);
  }
  write_feature_cache(cache, source, features);
  return features;
}

std::vector<Tensor> round_zero_pseudo_labels(const TrainConfig& config, const TrainingSet& set,
                                             const std::vector<CaseFeatures>& features,
                                             RunLog& log) {
  const size_t labelled = set.labelled.size();
  SEMISAM_CHECK(features.size() == labelled + set.unlabelled.size(), "prototype pseudo-labels: ",
                features.size(), " feature sets for ", labelled + set.unlabelled.size(), " cases");
  const int64_t crop = encoder_options(config).img_size;
  std::vector<Tensor> spatial, labels;
  for (size_t i = 0; i < labelled; ++i) {
    spatial.push_back(features[i].spatial);
    labels.push_back(set.labelled[i].label);
  }
  const Prototypes prototypes = compute_prototypes(spatial, labels, config.num_classes, crop);
  std::string present;
  for (size_t c = 0; c < prototypes.present.size(); ++c)
    present += std::string(c ? ", " : "") + std::to_string(c) + (prototypes.present[c] ? "" : " (absent)");
  log.line("prototypes of classes %s from %zu labelled case(s)", present.c_str(),
           labelled);
  std::vector<Tensor> pseudo;
  for (size_t i = 0; i < set.unlabelled.size(); ++i)
    pseudo.push_back(prototype_pseudo_label(features[labelled + i].spatial, prototypes,
                                            set.unlabelled[i].image.shape(), crop));
  log.line("prototype pseudo-labels of %zu unlabelled cases, mean foreground fraction "
           "%.4f", pseudo.size(), foreground_fraction(pseudo));
  return pseudo;
}

PseudoLabelQuality pseudo_label_quality(const TrainConfig& config, const TrainingSet& set,
                                        const std::vector<Tensor>& pseudo_labels) {
  std::vector<double> sum(size_t(config.num_classes - 1), 0.0);
  PseudoLabelQuality quality;
  for (size_t i = 0; i < pseudo_labels.size(); ++i) {
    if (i >= set.quality_labels.size() || !set.quality_labels[i].defined()) continue;
    const std::vector<double> dice =
        eval::class_dice(pseudo_labels[i], set.quality_labels[i], int(config.num_classes),
                         eval::EmptyMaskPolicy::TestReport);
    for (size_t c = 0; c < dice.size(); ++c) sum[c] += dice[c];
    ++quality.cases;
  }
  if (quality.cases == 0) return quality;
  for (double s : sum) quality.class_dice.push_back(s / double(quality.cases));
  return quality;
}

void log_pseudo_label_quality(const PseudoLabelQuality& quality, const std::string& when,
                              RunLog& log) {
  if (quality.cases == 0) return;
  std::string text;
  for (size_t c = 0; c < quality.class_dice.size(); ++c) {
    char item[48];
    std::snprintf(item, sizeof item, "%sclass %zu %.4f", c ? ", " : "", c + 1,
                  quality.class_dice[c]);
    text += item;
  }
  log.line("pseudo-label quality %s (Dice vs the labels in %lld unlabelled files, never used for "
           "training): %s", when.c_str(), (long long)quality.cases, text.c_str());
}

}  // namespace semisam::ssl
