// SPEC §7 `test`: a trained segmentation model over a split list with a sliding window (stride 64),
// per-class Dice, Jaccard, HD95 and ASD (test-report empty-mask rules; distances in mm where the
// case files give a spacing, else in voxels), mean ± population std, a text report, a CSV,
// summary.json, slice previews, and optional NIfTI predictions with the geometry of their scans.
// When the report lands in a training run's folder (the default: beside round{r}_best.h5), that
// run's report.html is rewritten with the test table and the previews.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ssl/inference/evaluation_report.h"
#include "ssl/run/run_log.h"

namespace semisam::ssl {

struct EvaluationConfig {
  std::string root_path = "../data/LA";
  std::string ckpt;                   // round{r}_best.h5, or a reference .pth state dict
  std::string test_list = "test.txt";
  int64_t stride_xy = 64, stride_z = 64;
  int64_t num_classes = 0;            // 0: the checkpoint's
  std::array<int64_t, 3> patch_size{0, 0, 0};  // 0: the checkpoint's
  std::string save_pred;              // folder for <case>_pred/_img/_gt.nii.gz; empty: none
  // Report file; empty: <checkpoint folder>/test_report.txt, with test_metrics.csv and
  // summary.json beside it. A given name R.txt puts the others at R.csv and R.summary.json.
  std::string report;
  std::string image_key = "image";
  bool binary_label = false;
  std::string device = "auto";
  std::string precision = "tf32";
  // Axial slice previews (PNG) of the first `preview_cases` cases, `preview_slices` each, in
  // test_previews/ beside the report; 0 cases: none. Without libpng in the build: none, and the
  // log says so.
  int64_t preview_cases = 3, preview_slices = 3;
};

struct EvaluationOutcome {
  std::vector<CaseEvaluation> cases;
  eval::MetricSummary overall;                 // over cases × classes (the reference's report)
  std::vector<eval::MetricSummary> per_class;  // over cases, one per foreground class
  std::string distance_unit;                   // "mm", "voxels" or "mixed"
  std::string report_path, csv_path, json_path;
  std::vector<std::string> preview_files;  // the PNGs written
};

EvaluationOutcome run_evaluation(const EvaluationConfig& config, RunLog& log);

}  // namespace semisam::ssl
