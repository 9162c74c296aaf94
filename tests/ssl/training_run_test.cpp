// The whole training run end to end on tiny phantoms on the CPU: it learns (test Dice above a
// floor), writes what SPEC §8 names and the machine-readable records (parsed back and checked
// against the run), numbers rounds 1..N everywhere, resumes to bit-identical results after a stop,
// a SIGINT and a `--resume` without other flags, and refuses unsafe starts with clear messages.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/checkpoint.h"
#include "io/phantom.h"
#include "kernels/copy.h"
#include "ssl/inference/evaluation_run.h"
#include "ssl/run/interrupt.h"
#include "ssl/run/progress_record.h"
#include "ssl/run/train_settings.h"
#include "ssl/run/training_run.h"

namespace semisam {
namespace {

// 6 training cases (1 labelled), 2 validation, 2 test; 32×32×24 volumes (z is padded to the
// 32³ patch, exercising the pad/crop paths).
std::string write_phantoms(const test::TempDir& dir) {
  io::PhantomOptions phantom;
  phantom.size = {32, 32, 24};
  phantom.cases_train = 6;
  phantom.cases_val = 2;
  phantom.cases_test = 2;
  phantom.seed = 7;
  const std::string root = dir.file("phantom");
  io::write_phantom_dataset(root, phantom);
  return root;
}

ssl::TrainConfig tiny_config(const std::string& root, const std::string& model_root) {
  ssl::TrainConfig c;
  c.root_path = root;
  c.model_root = model_root;
  c.exp = "tiny";
  c.backbone = "mt";
  c.max_iterations = 20;
  c.num_rounds = 2;
  c.patch_size = {32, 32, 32};
  c.base_filters = 2;  // enough to exercise every path; learning is tested at width 8 below
  c.sam_encoder = "tiny";
  c.sam_random_weights = true;
  c.sam_ckpt = "";
  c.val_interval = 10;
  c.save_interval = 15;
  c.val_stride = 16;
  c.pseudo_stride = 16;
  c.log_interval = 10;
  c.base_lr = 0.01;
  c.device = "cpu";
  c.precision = "fp32";
  return c;
}

std::vector<float> weights_of(const std::string& path) {
  io::Checkpoint ckpt = io::read_checkpoint(path);
  std::vector<float> all;
  for (const auto& t : ckpt.tensors.at(io::kParamsGroup)) {
    std::vector<float> v = ops::to_vector<float>(t.tensor);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

// The rows of `type` in the run's progress.jsonl.
std::vector<nlohmann::json> rows_of(const std::string& exp, const std::string& type) {
  std::vector<nlohmann::json> rows;
  for (const nlohmann::json& row : ssl::read_progress(exp + "/progress.jsonl"))
    if (row.at("type") == type) rows.push_back(row);
  return rows;
}

std::vector<std::pair<int64_t, int64_t>> positions(const std::vector<nlohmann::json>& rows) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const nlohmann::json& row : rows) out.emplace_back(row.at("round"), row.at("iteration"));
  return out;
}

TEST(TrainingRun, LearnsThePhantomsFromOneLabelledCase) {
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig config = tiny_config(root, dir.file("model"));
  // One round at width 8: the random-weight encoder's prototype pseudo-labels are poor (their Dice
  // is about 0.1 here), so learning comes from the labelled case, and a second round would only
  // cost time; the two-round path with its refinement runs in the resume test below.
  config.num_rounds = 1;
  config.max_iterations = 40;
  config.base_filters = 8;
  ssl::TrainingOutcome outcome = ssl::run_training(config, "training_run_test");
  ASSERT_TRUE(outcome.finished);
  ASSERT_EQ(outcome.rounds.size(), 1u);
  const std::string exp = outcome.experiment_dir;
  EXPECT_EQ(exp, dir.file("model") + "/tiny_MT_1label_1/unet_3D");
  for (const char* name : {"log.txt", "features.h5", "round_tracking.json", "results_summary.txt",
                           "config.json", "progress.jsonl", "report.html", "round1_best.h5",
                           "round1_iter15.h5", "state/labels_round1.h5", "state/latest.h5"})
    EXPECT_TRUE(std::filesystem::exists(exp + "/" + name)) << name;
  EXPECT_EQ(outcome.final_checkpoint, exp + "/round1_best.h5");
  EXPECT_EQ(outcome.rounds[0].round, 1);

  // config.json: the settings, typed, under the flags' names.
  const nlohmann::json stored = read_json(exp + "/config.json");
  EXPECT_EQ(stored.at("settings").at("max_iterations"), 40);
  EXPECT_EQ(stored.at("settings").at("patch_size"), nlohmann::json({32, 32, 32}));
  EXPECT_EQ(ssl::run_fingerprint(ssl::config_from_settings(stored.at("settings"))),
            ssl::run_fingerprint(config));
  // progress.jsonl: a row per logged iteration (the first, then every log_interval) with the loss
  // terms, weights, lr, rate and ETA; a row per validation with one Dice per foreground class.
  using Position = std::pair<int64_t, int64_t>;
  const std::vector<nlohmann::json> iterations = rows_of(exp, "iteration");
  EXPECT_EQ(positions(iterations), (std::vector<Position>{{1, 1}, {1, 10}, {1, 20}, {1, 30}, {1, 40}}));
  for (const nlohmann::json& row : iterations) {
    EXPECT_TRUE(row.at("losses").contains("total")) << row.dump();
    for (const char* key : {"consistency_weight", "pseudo_weight", "lr", "it_per_s", "eta_round_s",
                            "eta_run_s"})
      EXPECT_TRUE(row.at(key).is_number()) << key;
  }
  EXPECT_EQ(iterations.back().at("eta_run_s"), 0.0);
  EXPECT_GT(iterations.front().at("eta_run_s").get<double>(), 0.0);
  const std::vector<nlohmann::json> validations = rows_of(exp, "validation");
  EXPECT_EQ(positions(validations), (std::vector<Position>{{1, 10}, {1, 20}, {1, 30}, {1, 40}}));
  double best = 0.0;
  for (const nlohmann::json& row : validations) {
    ASSERT_EQ(row.at("dice").size(), size_t(config.num_classes - 1));
    best = std::max(best, row.at("mean_dice").get<double>());
  }
  EXPECT_EQ(best, outcome.rounds[0].best_dice);
  ASSERT_EQ(rows_of(exp, "pseudo_labels").size(), 1u);
  // The phantoms' unlabelled files hold labels, so the pseudo-label quality is known.
  EXPECT_EQ(rows_of(exp, "pseudo_labels")[0].at("quality_dice").size(), 1u);
  // round_tracking.json: the reference's {"test_dice": {"1": d}} and our per-round details.
  const nlohmann::json tracking = read_json(exp + "/round_tracking.json");
  EXPECT_EQ(tracking.at("test_dice").at("1"), outcome.rounds[0].best_dice);
  EXPECT_EQ(tracking.at("rounds").at(0).at("best_iteration"), outcome.rounds[0].best_iteration);
  EXPECT_EQ(tracking.at("rounds").at(0).at("best_val_dice_per_class").size(), 1u);
  char summary_line[64];
  std::snprintf(summary_line, sizeof summary_line, "\nRound 1: Best Val Dice = %.4f\n",
                outcome.rounds[0].best_dice);
  EXPECT_NE(test::read_bytes(exp + "/results_summary.txt").find(summary_line), std::string::npos)
      << summary_line;
  const std::string report = test::read_bytes(exp + "/report.html");
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_NE(report.find("Round 1: validation Dice"), std::string::npos);
  EXPECT_NE(report.find("--max_iterations"), std::string::npos);
  EXPECT_EQ(report.find("<script"), std::string::npos);

  ssl::EvaluationConfig test;
  test.root_path = root;
  test.ckpt = outcome.final_checkpoint;
  test.stride_xy = test.stride_z = 16;
  test.device = "cpu";
  test.precision = "fp32";
  test.save_pred = dir.file("pred");
  ssl::RunLog log;
  ssl::EvaluationOutcome result = ssl::run_evaluation(test, log);
  ASSERT_EQ(result.cases.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir.file("pred") + "/" + result.cases[0].name +
                                      "_pred.nii.gz"));
  EXPECT_TRUE(std::filesystem::exists(result.report_path));
  // Predicting everything as foreground scores about 2f/(1+f) ≈ 0.2 on these phantoms (f ≈ 0.1);
  // a network that learned the organ does far better.
  EXPECT_GT(result.overall.mean.dice, 0.5) << "test Dice " << result.overall.mean.dice;
}

TEST(TrainingRun, StopSignalAndResumeGiveTheUninterruptedResult) {
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig straight = tiny_config(root, dir.file("straight"));
  ssl::TrainingOutcome a = ssl::run_training(straight, "straight");
  ASSERT_TRUE(a.finished);

  ssl::TrainConfig interrupted = tiny_config(root, dir.file("interrupted"));
  interrupted.stop_after = 13;  // mid round 1, between two saved states
  ssl::TrainingOutcome first = ssl::run_training(interrupted, "part 1");
  EXPECT_FALSE(first.finished);
  EXPECT_EQ(first.interrupted_by, 0);

  // `--resume` with only the flags that find the run: the rest comes from config.json.
  ssl::TrainConfig bare;
  bare.model_root = interrupted.model_root;
  bare.exp = interrupted.exp;
  bare.backbone = interrupted.backbone;
  bare.resume = true;
  bare.stop_after = 20;  // stops in round 2 this time
  ssl::TrainingOutcome second = ssl::run_training(
      ssl::settings_for_resume(bare, {"model_root", "exp", "backbone", "resume", "stop_after"}),
      "part 2");
  EXPECT_FALSE(second.finished);

  // Ctrl-C: the run saves its state at the end of the iteration it is in and says so.
  interrupted.resume = true;
  interrupted.stop_after = 0;
  ssl::TrainingOutcome third;
  {
    ssl::InterruptGuard guard;
    std::raise(SIGINT);
    third = ssl::run_training(interrupted, "part 3");
  }
  EXPECT_FALSE(third.finished);
  EXPECT_EQ(third.interrupted_by, SIGINT);
  const io::Checkpoint state = io::read_checkpoint(ssl::latest_state_path_for(interrupted), false);
  EXPECT_EQ(state.round, 2);
  EXPECT_EQ(state.iteration, 14);  // 7 + 13 iterations in parts 1 and 2, one more in part 3
  const std::string exp = third.experiment_dir;
  EXPECT_NE(test::read_bytes(exp + "/log.txt").find("stopped after iteration 14 (SIGINT)"),
            std::string::npos);

  ssl::TrainingOutcome b = ssl::run_training(interrupted, "part 4");
  ASSERT_TRUE(b.finished);

  for (const char* name : {"round1_best.h5", "round2_best.h5", "state/labels_round1.h5",
                           "state/labels_round2.h5"})
    EXPECT_TRUE(std::filesystem::exists(b.experiment_dir + "/" + name)) << name;
  EXPECT_FALSE(std::filesystem::exists(b.experiment_dir + "/round0_best.h5"));
  EXPECT_FALSE(std::filesystem::exists(b.experiment_dir + "/round3_best.h5"));
  EXPECT_EQ(b.final_checkpoint, b.experiment_dir + "/round2_best.h5");
  ASSERT_EQ(a.rounds.size(), 2u);
  ASSERT_EQ(a.rounds.size(), b.rounds.size());
  for (size_t r = 0; r < a.rounds.size(); ++r) {
    EXPECT_EQ(a.rounds[r].round, int64_t(r) + 1);
    EXPECT_EQ(b.rounds[r].round, int64_t(r) + 1);
    EXPECT_EQ(a.rounds[r].best_dice, b.rounds[r].best_dice) << "round " << r + 1;
    EXPECT_EQ(a.rounds[r].best_iteration, b.rounds[r].best_iteration) << "round " << r + 1;
    EXPECT_EQ(a.rounds[r].best_class_dice, b.rounds[r].best_class_dice) << "round " << r + 1;
  }
  EXPECT_EQ(weights_of(a.final_checkpoint), weights_of(b.final_checkpoint));
  EXPECT_EQ(io::read_checkpoint(b.final_checkpoint, false).round, 2);

  // The record of the stopped and resumed run holds each iteration once, with the numbers of the
  // uninterrupted run, plus its stops and resumes.
  for (const char* type : {"iteration", "validation", "pseudo_labels", "round_end"}) {
    const std::vector<nlohmann::json> once = rows_of(a.experiment_dir, type);
    const std::vector<nlohmann::json> resumed = rows_of(exp, type);
    EXPECT_EQ(positions(once), positions(resumed)) << type;
    if (once.size() != resumed.size()) continue;
    for (size_t k = 0; k < once.size(); ++k) {
      if (std::string(type) == "validation") {
        EXPECT_EQ(once[k].at("dice"), resumed[k].at("dice"));
      }
      if (std::string(type) == "iteration") {
        EXPECT_EQ(once[k].at("losses"), resumed[k].at("losses"));
      }
    }
  }
  std::set<std::pair<int64_t, int64_t>> unique;
  for (const auto& p : positions(rows_of(exp, "iteration"))) EXPECT_TRUE(unique.insert(p).second);
  EXPECT_EQ(rows_of(exp, "stopped").size(), 3u);
  EXPECT_EQ(rows_of(exp, "resumed").size(), 3u);
  EXPECT_EQ(rows_of(exp, "stopped").back().at("reason"), "SIGINT");
  // One numbering: rounds 1..2 in the log and the records, never round 0.
  const std::string log = test::read_bytes(exp + "/log.txt");
  EXPECT_NE(log.find("round 2/2 iter 20/20"), std::string::npos);
  EXPECT_EQ(log.find("round 0"), std::string::npos);
  EXPECT_EQ(log.find("round0"), std::string::npos);
  EXPECT_NE(log.find("ETA "), std::string::npos);
  for (const nlohmann::json& row : ssl::read_progress(exp + "/progress.jsonl")) {
    EXPECT_GE(row.at("round").get<int64_t>(), 1) << row.dump();
    EXPECT_LE(row.at("round").get<int64_t>(), 2) << row.dump();
  }
  const nlohmann::json tracking = read_json(exp + "/round_tracking.json");
  EXPECT_EQ(tracking.at("test_dice").size(), 2u);
  EXPECT_EQ(tracking.at("test_dice").at("2"), b.rounds[1].best_dice);
}

TEST(TrainingRun, RefusesToOverwriteOrToResumeWithOtherSettings) {
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig config = tiny_config(root, dir.file("model"));
  config.num_rounds = 1;
  config.max_iterations = 2;
  config.stop_after = 1;
  config.resume = true;
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "nothing yet"), "nothing to resume",
                        ssl::latest_state_path_for(config));
  EXPECT_FALSE(std::filesystem::exists(ssl::latest_state_path_for(config)));
  config.resume = false;
  config.features = dir.file("absent_features.h5");
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "no cache"), "--features", "absent_features.h5");
  config.features.clear();
  ssl::run_training(config, "first");
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "again"), "already holds a training run",
                        "--resume");
  config.resume = true;
  config.root_path = root + "/./";  // the same folder, spelled otherwise: no difference
  config.base_lr = 0.02;
  const std::string message = test::error_of([&] { ssl::run_training(config, "changed"); });
  EXPECT_NE(message.find("--base_lr"), std::string::npos) << message;
  EXPECT_EQ(message.find("--root_path"), std::string::npos) << message;
}

TEST(TrainingRun, ResumingAFinishedRunRestoresFilesACrashCostIt) {
  // A crash after the last state was saved but before the round files and the summary were
  // written: --resume must write them again from the state.
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig config = tiny_config(root, dir.file("model"));
  config.num_rounds = 1;
  config.max_iterations = 10;
  ssl::TrainingOutcome first = ssl::run_training(config, "first");
  ASSERT_TRUE(first.finished);
  const std::string exp = first.experiment_dir;
  for (const char* name : {"results_summary.txt", "round_tracking.json", "state/rounds.json"})
    std::filesystem::remove(exp + "/" + name);
  config.resume = true;
  ssl::TrainingOutcome again = ssl::run_training(config, "again");
  ASSERT_TRUE(again.finished);
  ASSERT_EQ(again.rounds.size(), 1u);
  EXPECT_EQ(again.rounds[0].best_dice, first.rounds[0].best_dice);
  EXPECT_EQ(again.rounds[0].best_iteration, first.rounds[0].best_iteration);
  for (const char* name : {"results_summary.txt", "round_tracking.json", "state/rounds.json"})
    EXPECT_TRUE(std::filesystem::exists(exp + "/" + name)) << name;
}

TEST(TrainConfig, RejectsBadSettingsNamingTheFlag) {
  ssl::TrainConfig c;
  c.patch_size = {128, 120, 128};
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--patch_size", "120");
  c = ssl::TrainConfig{};
  c.labeled_bs = 2;
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--labeled_bs", "--batch_size");
  c = ssl::TrainConfig{};
  c.backbone = "vnet";
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--backbone", "vnet");
  c = ssl::TrainConfig{};
  c.sam_ckpt = "";
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--sam_ckpt", "--sam_random_weights");
  c = ssl::TrainConfig{};
  c.uncertainty_quantile = 1.5;
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--uncertainty_quantile", "1.5");
  c = ssl::TrainConfig{};
  c.val_stride = 160;
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "--val_stride", "160", "128");
  c = ssl::TrainConfig{};
  c.backbone = "dan";
  c.patch_size = {64, 64, 64};
  c.val_stride = c.pseudo_stride = 32;
  EXPECT_ERROR_MENTIONS(ssl::validate(c), "dan", "96..191", "64");
  EXPECT_NO_THROW(ssl::validate(ssl::TrainConfig{}));
}

TEST(TrainConfig, ExperimentFolderFollowsTheReference) {
  ssl::TrainConfig c;
  c.model_root = "model";
  c.exp = "SemiSAM_O1/LA";
  c.backbone = "uamt";
  EXPECT_EQ(ssl::experiment_dir(c), "model/SemiSAM_O1/LA_UAMT_1label_1/unet_3D");
  c.backbone = "dtc";
  EXPECT_EQ(ssl::experiment_dir(c), "model/SemiSAM_O1/LA_DTC_1label_1/unet_3D_sdf");
}

}  // namespace
}  // namespace semisam
