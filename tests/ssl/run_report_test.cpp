// report.html's test section: drawn from the summary.json and previews.json that `semisam test`
// leaves beside the model, and absent before a test.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/temp_dir.h"
#include "io/atomic_file.h"
#include "ssl/inference/evaluation_report.h"
#include "ssl/run/run_report.h"

namespace semisam {
namespace {

ssl::EvaluationSummary two_case_summary() {
  ssl::EvaluationSummary s;
  s.checkpoint = "model/round3_best.h5";
  s.list = "test.txt";
  s.distance_unit = "mm";
  s.cases = {{"case <a>", {{0.9, 0.8, 1.5, 0.5}}, "mm"}, {"case_b", {{0.7, 0.6, 3.5, 1.5}}, "mm"}};
  s.per_class = {eval::summarize({s.cases[0].classes[0], s.cases[1].classes[0]})};
  s.overall = s.per_class[0];
  return s;
}

TEST(RunReport, TestSectionAppearsAfterATest) {
  test::TempDir dir;
  EXPECT_EQ(ssl::run_report_html(dir.str()).find("<h2>Test</h2>"), std::string::npos);
  io::write_text_atomically(dir.file(ssl::kTestSummary), ssl::evaluation_json(two_case_summary()));
  std::string html = ssl::run_report_html(dir.str());
  EXPECT_NE(html.find("<h2>Test</h2>"), std::string::npos);
  EXPECT_NE(html.find("0.8000 &plusmn; 0.1000"), std::string::npos);  // Dice mean ± population std
  EXPECT_NE(html.find("2.50 &plusmn; 1.00"), std::string::npos);      // HD95
  EXPECT_NE(html.find("in mm"), std::string::npos);
  EXPECT_NE(html.find("case &lt;a&gt;"), std::string::npos);  // names escaped
  EXPECT_EQ(html.find("<img"), std::string::npos);            // no previews listed yet

  std::filesystem::create_directories(dir.file(ssl::kPreviewFolder));
  const nlohmann::json listing = {
      {"legend", "fill: prediction"},
      {"cases",
       {{{"case", "case <a>"},
         {"dice", {0.9}},
         {"slices", {{{"z", 7}, {"file", "test_previews/case <a>_z7.png"}}}}}}}};
  io::write_text_atomically(dir.file(ssl::kPreviewListing), listing.dump());
  html = ssl::run_report_html(dir.str());
  EXPECT_NE(html.find("<img src=\"test_previews/case%20%3Ca%3E_z7.png\""), std::string::npos)
      << html;
  EXPECT_NE(html.find("z = 7"), std::string::npos);
  EXPECT_NE(html.find("class 1 0.9000"), std::string::npos);
}

}  // namespace
}  // namespace semisam
