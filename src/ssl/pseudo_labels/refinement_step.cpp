// Pseudo-labels from the trained model, uncertainty, and KNN refinement between rounds.
#include "ssl/pseudo_labels/refinement_step.h"

#include "io/fault_injection.h"
#include "ssl/pseudo_labels/knn_refine.h"
#include "ssl/run/round_trainer.h"

namespace semisam::ssl {

std::vector<Tensor> refined_pseudo_labels(const TrainConfig& config, const TrainingSet& set,
                                          const std::vector<CaseFeatures>& features,
                                          Backbone& backbone, Device device, RunLog& log) {
  const size_t labelled = set.labelled.size();
  const SlidingWindowOptions window = window_options(config, config.pseudo_stride, device);
  const PatchPredictor predictor = backbone_predictor(backbone);

  std::vector<RefineCase> cases;
  for (size_t i = 0; i < labelled; ++i)
    cases.push_back({set.labelled[i].name, true, 0.0, features[i].global, set.labelled[i].label});
  for (size_t i = 0; i < set.unlabelled.size(); ++i) {
    SlidingWindowOutputs outputs;
    outputs.mean_entropy = true;  // fused with the argmax: the probabilities are never kept
    SlidingWindowResult result =
        sliding_window_predict(set.unlabelled[i].image, predictor, window, outputs);
    const double uncertainty = result.mean_entropy;
    cases.push_back({set.unlabelled[i].name, false, uncertainty, features[labelled + i].global,
                     result.label});
    log.line("pseudo-label %zu/%zu %s: mean entropy %.5f", i + 1, set.unlabelled.size(),
             set.unlabelled[i].name.c_str(), uncertainty);
    io::fault_point("refinement");
  }
  RefineOptions options;
  options.k = config.knn_k;
  options.quantile = config.uncertainty_quantile;
  const RefineReport report = knn_refine(cases, config.num_classes, options);
  if (report.skipped) {
    log.line("KNN refinement skipped: %lld certain and %lld uncertain cases (k = %lld)",
             (long long)report.certain, (long long)report.uncertain, (long long)config.knn_k);
  } else {
    log.line("KNN refinement: threshold %.5f, %lld certain, %lld uncertain: %zu refined, %zu kept",
             report.threshold, (long long)report.certain, (long long)report.uncertain,
             report.refined.size(), report.kept.size());
  }
  std::vector<Tensor> labels;
  for (size_t i = labelled; i < cases.size(); ++i) labels.push_back(cases[i].label);
  return labels;
}

}  // namespace semisam::ssl
