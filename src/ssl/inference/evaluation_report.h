// The files `semisam test` writes about its metrics: a text report for people, a CSV with one row
// per case and class, and summary.json (per case, per class, mean and population std), each naming
// the unit of HD95 and ASD (mm where the cases' spacing is known, else voxels).
#pragma once

#include <string>
#include <vector>

#include "eval/class_metrics.h"

namespace semisam::ssl {

struct CaseEvaluation {
  std::string name;
  std::vector<eval::BinaryMetrics> classes;  // row c-1 = class c
  std::string distance_unit = "voxels";      // of hd95 and asd: "mm" or "voxels"
};

struct EvaluationSummary {
  std::string checkpoint, list;
  std::vector<CaseEvaluation> cases;
  eval::MetricSummary overall;                 // over cases × classes (the reference's report)
  std::vector<eval::MetricSummary> per_class;  // over cases, one per foreground class
  std::string distance_unit;                   // "mm", "voxels", or "mixed" (a warning)
};

// The unit shared by every case ("mixed" when they differ).
std::string common_distance_unit(const std::vector<CaseEvaluation>& cases);

std::string format_metrics(const eval::BinaryMetrics& m, const std::string& unit);
std::string format_summary(const eval::MetricSummary& s, const std::string& unit);

std::string evaluation_report_text(const EvaluationSummary& summary);
std::string evaluation_csv(const EvaluationSummary& summary);
std::string evaluation_json(const EvaluationSummary& summary);

}  // namespace semisam::ssl
