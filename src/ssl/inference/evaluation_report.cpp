// Text, CSV and JSON forms of a test's metrics.
#include "ssl/inference/evaluation_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

namespace semisam::ssl {
namespace {

nlohmann::json metrics_json(const eval::BinaryMetrics& m) {
  return {{"dice", m.dice}, {"jaccard", m.jaccard}, {"hd95", m.hd95}, {"asd", m.asd}};
}

nlohmann::json summary_json(const eval::MetricSummary& s) {
  return {{"mean", metrics_json(s.mean)}, {"std", metrics_json(s.std)}, {"count", s.count}};
}

}  // namespace

std::string common_distance_unit(const std::vector<CaseEvaluation>& cases) {
  if (cases.empty()) return "voxels";
  for (const auto& c : cases)
    if (c.distance_unit != cases[0].distance_unit) return "mixed";
  return cases[0].distance_unit;
}

std::string format_metrics(const eval::BinaryMetrics& m, const std::string& unit) {
  char text[160];
  std::snprintf(text, sizeof text, "dice %.4f  jaccard %.4f  hd95 %.2f %s  asd %.2f %s", m.dice,
                m.jaccard, m.hd95, unit.c_str(), m.asd, unit.c_str());
  return text;
}

std::string format_summary(const eval::MetricSummary& s, const std::string& unit) {
  char text[224];
  std::snprintf(text, sizeof text,
                "dice %.4f ± %.4f  jaccard %.4f ± %.4f  hd95 %.2f ± %.2f %s  asd %.2f ± %.2f %s",
                s.mean.dice, s.std.dice, s.mean.jaccard, s.std.jaccard, s.mean.hd95, s.std.hd95,
                unit.c_str(), s.mean.asd, s.std.asd, unit.c_str());
  return text;
}

std::string evaluation_report_text(const EvaluationSummary& s) {
  std::ostringstream report;
  report << "checkpoint: " << s.checkpoint << "\nlist: " << s.list << " (" << s.cases.size()
         << " cases)\ndistance unit (hd95, asd): " << s.distance_unit
         << "\n\ncase,class,dice,jaccard,hd95,asd,distance_unit\n";
  report.precision(6);
  for (const CaseEvaluation& ce : s.cases)
    for (size_t k = 0; k < ce.classes.size(); ++k)
      report << ce.name << ',' << k + 1 << ',' << ce.classes[k].dice << ','
             << ce.classes[k].jaccard << ',' << ce.classes[k].hd95 << ',' << ce.classes[k].asd
             << ',' << ce.distance_unit << '\n';
  report << "\nmean ± std over cases × classes: " << format_summary(s.overall, s.distance_unit)
         << '\n';
  for (size_t k = 0; k < s.per_class.size(); ++k)
    report << "class " << k + 1 << ": " << format_summary(s.per_class[k], s.distance_unit) << '\n';
  return report.str();
}

std::string evaluation_csv(const EvaluationSummary& s) {
  std::ostringstream csv;
  csv.precision(8);
  csv << "case,class,dice,jaccard,hd95,asd,distance_unit\n";
  for (const CaseEvaluation& ce : s.cases)
    for (size_t k = 0; k < ce.classes.size(); ++k)
      csv << ce.name << ',' << k + 1 << ',' << ce.classes[k].dice << ',' << ce.classes[k].jaccard
          << ',' << ce.classes[k].hd95 << ',' << ce.classes[k].asd << ',' << ce.distance_unit
          << '\n';
  return csv.str();
}

std::string evaluation_json(const EvaluationSummary& s) {
  nlohmann::json cases = nlohmann::json::array();
  for (const CaseEvaluation& ce : s.cases) {
    nlohmann::json classes = nlohmann::json::object();
    for (size_t k = 0; k < ce.classes.size(); ++k)
      classes[std::to_string(k + 1)] = metrics_json(ce.classes[k]);
    cases.push_back({{"case", ce.name}, {"distance_unit", ce.distance_unit}, {"classes", classes}});
  }
  nlohmann::json per_class = nlohmann::json::object();
  for (size_t k = 0; k < s.per_class.size(); ++k)
    per_class[std::to_string(k + 1)] = summary_json(s.per_class[k]);
  nlohmann::json root = {
      {"checkpoint", s.checkpoint},
      {"list", s.list},
      {"distance_unit", s.distance_unit},
      {"empty_mask_rule", "both empty: dice 1, jaccard 1, hd95 0, asd 0; one empty: dice 0, "
                          "jaccard 0, hd95 200, asd 100 (fixed values, in no unit)"},
      {"cases", cases},
      {"per_class", per_class},
      {"overall", summary_json(s.overall)},
  };
  return root.dump(2) + "\n";
}

}  // namespace semisam::ssl
