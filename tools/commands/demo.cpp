// `semisam demo`: the main job on the built-in default — writes a small synthetic phantom dataset,
// trains SemiSAM-O1 on it (one labelled case) with small networks, tests the final model and
// prints the metrics. Every `train` flag can still be given to change the defaults.
#include <filesystem>
#include <memory>

#include "../command_registry.h"
#include "io/phantom.h"
#include "ssl/evaluation_run.h"
#include "ssl/training_run.h"
#include "tensor/device.h"
#include "train_flags.h"

namespace semisam::tools {
namespace {

struct DemoArgs {
  TrainFlags flags;
  std::string out = "demo";
  std::vector<int64_t> volume = {48, 48, 32};
  bool fresh = false;
};

// Small enough for a two-core machine without a GPU to finish in a few minutes.
void demo_defaults(DemoArgs& a) {
  ssl::TrainConfig& c = a.flags.config;
  c.exp = "phantom";
  c.backbone = "mt";
  c.max_iterations = 100;
  c.num_rounds = 2;
  c.patch_size = {32, 32, 32};
  c.base_filters = 8;
  c.sam_encoder = "tiny";
  c.sam_random_weights = true;
  c.sam_ckpt = "";
  c.val_interval = 20;
  c.save_interval = 1000;
  c.val_stride = 16;
  c.pseudo_stride = 16;
  c.log_interval = 20;
  c.device = "auto";
}

int run_demo(const DemoArgs& a) {
  ssl::TrainConfig config = finish_train_flags(a.flags);
  const std::string data_root = a.out + "/phantom";
  config.root_path = data_root;
  config.model_root = a.out + "/model";
  if (a.fresh) std::filesystem::remove_all(config.model_root);
  if (!std::filesystem::exists(data_root + "/train.txt")) {
    io::PhantomOptions phantom;
    phantom.size = {a.volume[0], a.volume[1], a.volume[2]};
    phantom.cases_train = 6;  // 1 labelled + 5 unlabelled: enough for the KNN refinement (k = 5)
    phantom.cases_val = 2;
    phantom.cases_test = 3;
    phantom.num_classes = config.num_classes;
    phantom.seed = config.seed;
    io::write_phantom_dataset(data_root, phantom, [](const io::PhantomWritten& w) {
      std::printf("phantom [%lld/%lld] %s %s\n", (long long)w.index + 1, (long long)w.total,
                  w.split.c_str(), w.name.c_str());
    });
  }
  // A finished demo run is not repeated: its model is tested again.
  if (std::filesystem::exists(ssl::latest_state_path_for(config))) config.resume = true;
  ssl::TrainingOutcome outcome = ssl::run_training(config, invocation());
  if (!outcome.finished) return 0;
  ssl::EvaluationConfig test;
  test.root_path = data_root;
  test.ckpt = outcome.final_checkpoint;
  test.stride_xy = test.stride_z = 16;
  test.device = config.device;
  test.precision = config.precision;
  test.save_pred = a.out + "/predictions";
  ssl::RunLog log(outcome.experiment_dir + "/log.txt");
  ssl::run_evaluation(test, log);
  return 0;
}

RegisterCommand demo_command{
    {"demo", "Main job on the built-in default: phantom dataset, training, test (minutes on a CPU)",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<DemoArgs>();
       demo_defaults(*a);
       add_train_flags(sub, a->flags);
       sub.add_option("--out", a->out, "Folder for the dataset, models and predictions")->capture_default_str();
       sub.add_option("--volume", a->volume, "Phantom volume size X Y Z")->expected(3)->capture_default_str();
       sub.add_flag("--fresh", a->fresh, "Delete an earlier demo run's models first");
       return [a] { return run_demo(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools
