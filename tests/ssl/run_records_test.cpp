// The pieces of a run's records without training: the progress record (append, crash-cut last
// line, truncation on resume), config.json and --resume's settings, the SVG charts and the
// SIGINT/SIGTERM flag.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "ssl/run/interrupt.h"
#include "ssl/run/progress_record.h"
#include "ssl/run/round_trainer.h"
#include "ssl/run/svg_chart.h"
#include "ssl/run/train_settings.h"

namespace semisam {
namespace {

using nlohmann::json;

std::vector<std::pair<int64_t, int64_t>> positions(const std::vector<json>& rows) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const json& row : rows) out.emplace_back(row.at("round"), row.at("iteration"));
  return out;
}

TEST(ProgressRecord, AppendsRowsAndTruncatesWhatAResumeRepeats) {
  test::TempDir dir;
  const std::string path = dir.file("progress.jsonl");
  {
    ssl::ProgressRecord record(path);
    record.append({{"type", "pseudo_labels"}, {"round", 1}, {"iteration", 0}});
    for (int64_t i : {10, 20, 30}) record.append({{"type", "iteration"}, {"round", 1}, {"iteration", i}});
    record.append({{"type", "pseudo_labels"}, {"round", 2}, {"iteration", 0}});
    record.append({{"type", "iteration"}, {"round", 2}, {"iteration", 10}});
    EXPECT_ERROR_MENTIONS(record.append({{"round", 1}}), "type");
  }
  ASSERT_EQ(ssl::read_progress(path).size(), 6u);
  {
    ssl::ProgressRecord record(path);
    record.truncate_after(1, 20);  // a state saved after iteration 20 of round 1
    record.append({{"type", "iteration"}, {"round", 1}, {"iteration", 30}});
  }
  using P = std::pair<int64_t, int64_t>;
  EXPECT_EQ(positions(ssl::read_progress(path)),
            (std::vector<P>{{1, 0}, {1, 10}, {1, 20}, {1, 30}}));
}

TEST(ProgressRecord, SkipsALastLineCutShortButRefusesDamageElsewhere) {
  test::TempDir dir;
  const std::string path = dir.file("progress.jsonl");
  std::ofstream(path) << "{\"type\":\"iteration\",\"round\":1,\"iteration\":1}\n{\"type\":\"itera";
  EXPECT_EQ(ssl::read_progress(path).size(), 1u);
  {
    // A resume rewrites the file without the cut line, so appending continues cleanly.
    ssl::ProgressRecord record(path);
    record.truncate_after(1, 5);
    record.append({{"type", "iteration"}, {"round", 1}, {"iteration", 2}});
  }
  EXPECT_EQ(ssl::read_progress(path).size(), 2u);
  std::ofstream(path) << "{\"type\":\"iteration\"}\nnot json\n{\"type\":\"iteration\"}\n";
  EXPECT_ERROR_MENTIONS(ssl::read_progress(path), "line 2", "not valid JSON");
  EXPECT_TRUE(ssl::read_progress(dir.file("absent.jsonl")).empty());
}

TEST(TrainSettings, RoundTripThroughJson) {
  ssl::TrainConfig c;
  c.backbone = "dtc";
  c.patch_size = {96, 112, 80};
  c.seed = 42;
  c.dan_lr = 3e-4;
  c.base_lr = 0.1 + 0.2;  // not exactly representable in decimal: must come back bit for bit
  c.binary_label = true;
  c.stop_after = 7;  // per invocation: not stored
  const json j = ssl::settings_json(c);
  EXPECT_EQ(j.at("DAN_lr"), 3e-4);
  EXPECT_EQ(j.at("patch_size"), json({96, 112, 80}));
  EXPECT_FALSE(j.contains("stop_after"));
  EXPECT_FALSE(j.contains("resume"));
  const ssl::TrainConfig back = ssl::config_from_settings(json::parse(j.dump()));
  EXPECT_EQ(ssl::run_fingerprint(back), ssl::run_fingerprint(c));
  EXPECT_EQ(back.base_lr, c.base_lr);
  EXPECT_EQ(back.stop_after, 0);
  EXPECT_ERROR_MENTIONS(ssl::config_from_settings(json{{"max_iterations", "many"}}),
                        "max_iterations", "wrong type");
  EXPECT_ERROR_MENTIONS(ssl::config_from_settings(json{{"max_iteration", 5}}), "max_iteration");
}

TEST(TrainSettings, PathsAreComparedAfterNormalisation) {
  EXPECT_TRUE(ssl::same_setting("root_path", "ph3", "./ph3"));
  EXPECT_TRUE(ssl::same_setting("root_path", "ph3/", "ph3"));
  EXPECT_TRUE(ssl::same_setting("root_path", "a/../ph3",
                                (std::filesystem::current_path() / "ph3").string()));
  EXPECT_FALSE(ssl::same_setting("root_path", "ph3", "ph4"));
  EXPECT_FALSE(ssl::same_setting("exp", "ph3", "./ph3"));  // not a path
}

ssl::TrainConfig stored_run(const std::string& model_root) {
  ssl::TrainConfig c;
  c.model_root = model_root;
  c.exp = "resume";
  c.backbone = "mt";
  c.root_path = "data/phantom";
  c.max_iterations = 300;
  c.base_lr = 0.02;
  c.device = "cpu";
  c.sam_random_weights = true;
  c.sam_ckpt = "";
  return c;
}

TEST(TrainSettings, ResumeTakesTheStoredSettings) {
  test::TempDir dir;
  const ssl::TrainConfig stored = stored_run(dir.file("model"));
  ssl::TrainConfig given;  // defaults, except the flags that find the run
  given.model_root = dir.file("model");
  given.exp = "resume";
  given.backbone = "mt";
  given.resume = true;
  const std::set<std::string> located = {"model_root", "exp", "backbone", "resume"};
  EXPECT_ERROR_MENTIONS(ssl::settings_for_resume(given, located), "nothing to resume",
                        ssl::experiment_dir(given), "--exp");

  std::filesystem::create_directories(ssl::experiment_dir(stored));
  ssl::write_config_json(ssl::experiment_dir(stored), stored, "semisam train ...");
  ssl::TrainConfig merged = ssl::settings_for_resume(given, located);
  EXPECT_EQ(ssl::run_fingerprint(merged), ssl::run_fingerprint(stored));
  EXPECT_TRUE(merged.resume);

  // Safe changes are taken; the same value in another spelling is no change; others are refused.
  given.device = "cuda:1";
  given.log_interval = 5;
  given.stop_after = 9;
  given.root_path = "./data/phantom/";
  merged = ssl::settings_for_resume(
      given, {"model_root", "exp", "backbone", "resume", "device", "log_interval", "stop_after",
              "root_path"});
  EXPECT_EQ(merged.device, "cuda:1");
  EXPECT_EQ(merged.log_interval, 5);
  EXPECT_EQ(merged.stop_after, 9);
  EXPECT_EQ(merged.max_iterations, 300);
  given.max_iterations = 400;
  given.base_lr = 0.03;
  EXPECT_ERROR_MENTIONS(
      ssl::settings_for_resume(given, {"model_root", "exp", "backbone", "max_iterations",
                                       "base_lr"}),
      "--max_iterations: 300 then, 400 now", "--base_lr: 0.02 then, 0.03 now");
  // A default that differs from the stored value but was not typed is no conflict.
  EXPECT_NO_THROW(ssl::settings_for_resume(given, located));
}

TEST(SvgChart, DrawsEverySeriesAndEscapesText) {
  ssl::ChartOptions options;
  options.title = "losses <round 1>";
  const std::string svg = ssl::line_chart_svg(
      {{"loss", {{1, 0.9}, {10, 0.5}, {20, 0.3}}}, {"dice & ce", {{1, 0.4}, {20, 0.2}}}}, options);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(svg.find("losses &lt;round 1&gt;"), std::string::npos);
  EXPECT_NE(svg.find("dice &amp; ce"), std::string::npos);
  // Ticks at round numbers: x over 1..20 steps by 5, a fixed 0..1 range by 0.5.
  for (const char* tick : {">5</text>", ">10</text>", ">20</text>"})
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  options.y_min = 0.0;
  options.y_max = 1.0;
  const std::string dice = ssl::line_chart_svg({{"class 1", {{10, 0.0}, {20, 0.0}}}}, options);
  for (const char* tick : {">0</text>", ">0.5</text>", ">1</text>"})
    EXPECT_NE(dice.find(tick), std::string::npos) << tick;
  EXPECT_NE(ssl::line_chart_svg({}, options).find("no data yet"), std::string::npos);
}

TEST(Interrupt, TheHandlerOnlyRecordsTheSignal) {
  EXPECT_EQ(ssl::pending_interrupt(), 0);
  {
    ssl::InterruptGuard guard;
    EXPECT_EQ(ssl::pending_interrupt(), 0);
    std::raise(SIGTERM);
    EXPECT_EQ(ssl::pending_interrupt(), SIGTERM);
    EXPECT_STREQ(ssl::signal_name(ssl::pending_interrupt()), "SIGTERM");
  }
  EXPECT_EQ(ssl::pending_interrupt(), 0);  // the guard clears it and restores the old handlers
}

TEST(Eta, DurationsReadAsHoursMinutesSeconds) {
  EXPECT_EQ(ssl::duration_text(0), "0:00:00");
  EXPECT_EQ(ssl::duration_text(3725.4), "1:02:05");
  EXPECT_EQ(ssl::duration_text(-1), "?");
}

}  // namespace
}  // namespace semisam
