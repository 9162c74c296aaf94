// Inputs checked before a run creates anything, and messages that say why: a `train` whose split
// list names a missing case used to leave model_root/<exp>/unet_3D/log.txt behind; the log file's
// open failure gave no reason; predict inputs pass the case-name allow-list.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/phantom.h"
#include "ssl/inference/prediction_inputs.h"
#include "ssl/run/run_log.h"
#include "ssl/run/training_run.h"

namespace semisam {
namespace {

TEST(RunInputs, AMissingCaseIsReportedBeforeAnythingIsCreated) {
  test::TempDir dir;
  io::PhantomOptions phantom;
  phantom.size = {16, 16, 16};
  phantom.cases_train = 3;
  phantom.cases_val = 1;
  phantom.cases_test = 1;
  const std::string root = dir.file("phantom");
  io::write_phantom_dataset(root, phantom);
  std::ofstream(root + "/train.txt", std::ios::app) << "phantom_9999\n";

  ssl::TrainConfig config;
  config.root_path = root;
  config.model_root = dir.file("model");
  config.backbone = "mt";
  config.sam_random_weights = true;
  config.sam_encoder = "tiny";
  config.device = "cpu";
  EXPECT_ERROR_MENTIONS(ssl::run_training(config, "train"), "'phantom_9999'", "train.txt",
                        "file not found", root + "/data/phantom_9999.h5");
  EXPECT_FALSE(std::filesystem::exists(config.model_root)) << "the failed run left files behind";
}

TEST(RunInputs, TheLogFileSaysWhyItCannotBeOpened) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("log.txt"));  // a folder where the file should be
  EXPECT_ERROR_MENTIONS(ssl::RunLog(dir.file("log.txt"), false), dir.file("log.txt"),
                        "Is a directory");
}

TEST(RunInputs, PredictInputsPassTheCaseNameAllowList) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("in"));
  test::write_bytes(dir.file("in/ok.nii.gz"), "not read");
  test::write_bytes(dir.file("in/bad\x02name.nii.gz"), "not read");
  EXPECT_ERROR_MENTIONS(ssl::find_prediction_inputs(dir.file("in")), "bad\\x02name",
                        "control character");
  // In a list, the line that names it.
  test::write_bytes(dir.file("list.txt"), "in/ok.nii.gz\n/data/..nii.gz\n");
  EXPECT_ERROR_MENTIONS(ssl::find_prediction_inputs(dir.file("list.txt")),
                        dir.file("list.txt") + ":2", "case name '.'");
}

}  // namespace
}  // namespace semisam
