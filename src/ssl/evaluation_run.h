// SPEC §7 `test`: a trained segmentation model over a split list with a sliding window (stride 64),
// per-class Dice, Jaccard, HD95 and ASD (test-report empty-mask rules), mean ± population std, a
// report file, and optional NIfTI predictions.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "eval/class_metrics.h"
#include "ssl/run_log.h"

namespace semisam::ssl {

struct EvaluationConfig {
  std::string root_path = "../data/LA";
  std::string ckpt;                   // a segmentation checkpoint (round{r}_best.h5, ...)
  std::string test_list = "test.txt";
  int64_t stride_xy = 64, stride_z = 64;
  int64_t num_classes = 0;            // 0: the checkpoint's
  std::array<int64_t, 3> patch_size{0, 0, 0};  // 0: the checkpoint's
  std::string save_pred;              // folder for <case>_pred/_img/_gt.nii.gz; empty: none
  std::string report;                 // report file; empty: <checkpoint folder>/test_report.txt
  std::string image_key = "image";
  bool binary_label = false;
  std::string device = "cuda";
  std::string precision = "tf32";
};

struct CaseEvaluation {
  std::string name;
  std::vector<eval::BinaryMetrics> classes;  // row c-1 = class c
};

struct EvaluationOutcome {
  std::vector<CaseEvaluation> cases;
  eval::MetricSummary overall;                 // over cases × classes (the reference's report)
  std::vector<eval::MetricSummary> per_class;  // over cases, one per foreground class
  std::string report_path;
};

EvaluationOutcome run_evaluation(const EvaluationConfig& config, RunLog& log);

}  // namespace semisam::ssl
