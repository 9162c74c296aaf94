// The whole training run end to end on tiny phantoms on the CPU: it learns (test Dice above a
// floor), writes what SPEC §8 names, resumes to bit-identical results after a stop, and refuses
// unsafe starts with clear messages.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/checkpoint.h"
#include "io/phantom.h"
#include "kernels/copy.h"
#include "ssl/evaluation_run.h"
#include "ssl/training_run.h"

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
                           "round0_best.h5", "round0_iter15.h5", "state/labels_round0.h5",
                           "state/latest.h5"})
    EXPECT_TRUE(std::filesystem::exists(exp + "/" + name)) << name;

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

TEST(TrainingRun, StopAndResumeGivesTheUninterruptedResult) {
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig straight = tiny_config(root, dir.file("straight"));
  ssl::TrainingOutcome a = ssl::run_training(straight, "straight");
  ASSERT_TRUE(a.finished);

  ssl::TrainConfig interrupted = tiny_config(root, dir.file("interrupted"));
  interrupted.stop_after = 13;  // mid round 0, between two saved states
  ssl::TrainingOutcome first = ssl::run_training(interrupted, "part 1");
  EXPECT_FALSE(first.finished);
  interrupted.resume = true;
  interrupted.stop_after = 20;  // stops in round 1 this time
  ssl::TrainingOutcome second = ssl::run_training(interrupted, "part 2");
  EXPECT_FALSE(second.finished);
  interrupted.stop_after = 0;
  ssl::TrainingOutcome b = ssl::run_training(interrupted, "part 3");
  ASSERT_TRUE(b.finished);

  for (const char* name : {"round1_best.h5", "state/labels_round1.h5"})
    EXPECT_TRUE(std::filesystem::exists(b.experiment_dir + "/" + name)) << name;
  ASSERT_EQ(a.rounds.size(), 2u);
  ASSERT_EQ(a.rounds.size(), b.rounds.size());
  for (size_t r = 0; r < a.rounds.size(); ++r) {
    EXPECT_EQ(a.rounds[r].best_dice, b.rounds[r].best_dice) << "round " << r;
    EXPECT_EQ(a.rounds[r].best_iteration, b.rounds[r].best_iteration) << "round " << r;
  }
  EXPECT_EQ(weights_of(a.final_checkpoint), weights_of(b.final_checkpoint));
}

TEST(TrainingRun, RefusesToOverwriteOrToResumeWithOtherSettings) {
  test::TempDir dir;
  const std::string root = write_phantoms(dir);
  ssl::TrainConfig config = tiny_config(root, dir.file("model"));
  config.num_rounds = 1;
  config.max_iterations = 2;
  config.stop_after = 1;
  ssl::run_training(config, "first");
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "again"), "already holds a training run",
                        "--resume");
  config.resume = true;
  config.base_lr = 0.02;
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "changed"), "other settings", "--base_lr");
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
  for (const char* name : {"results_summary.txt", "round_tracking.json", "state/rounds.tsv"})
    std::filesystem::remove(exp + "/" + name);
  config.resume = true;
  ssl::TrainingOutcome again = ssl::run_training(config, "again");
  ASSERT_TRUE(again.finished);
  ASSERT_EQ(again.rounds.size(), 1u);
  EXPECT_EQ(again.rounds[0].best_dice, first.rounds[0].best_dice);
  EXPECT_EQ(again.rounds[0].best_iteration, first.rounds[0].best_iteration);
  for (const char* name : {"results_summary.txt", "round_tracking.json", "state/rounds.tsv"})
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
