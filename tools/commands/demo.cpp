// `semisam demo`: the main job on the built-in default — writes a small synthetic phantom dataset,
// trains SemiSAM-O1 on it (one labelled case) with small networks, tests the final model and
// prints the metrics. Every `train` flag except the two folders (the demo keeps its dataset and
// models under --out) and --resume (it continues a run of the same settings by itself) can still
// be given to change the defaults.
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "../command_registry.h"
#include "io/atomic_file.h"
#include "io/phantom.h"
#include "ssl/inference/evaluation_run.h"
#include "ssl/run/interrupt.h"
#include "ssl/run/train_settings.h"
#include "ssl/run/training_run.h"
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

// What the demo's phantoms were made with (<data>/demo_phantom.json): other options, other data.
nlohmann::json phantom_description(const io::PhantomOptions& p) {
  return {{"size", p.size}, {"cases_train", p.cases_train}, {"cases_val", p.cases_val},
          {"cases_test", p.cases_test}, {"num_classes", p.num_classes}, {"seed", p.seed}};
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
}

// Writes the phantoms unless those of the same options exist. Returns whether it wrote them.
bool ensure_phantoms(const std::string& data_root, const io::PhantomOptions& phantom) {
  const std::string marker = data_root + "/demo_phantom.json";
  if (std::filesystem::exists(data_root + "/train.txt") &&
      read_json(marker) == phantom_description(phantom))
    return false;
  std::filesystem::remove_all(data_root);
  io::write_phantom_dataset(data_root, phantom, [](const io::PhantomWritten& w) {
    std::printf("phantom [%lld/%lld] %s %s\n", (long long)w.index + 1, (long long)w.total,
                w.split.c_str(), w.name.c_str());
  });
  io::write_text_atomically(marker, phantom_description(phantom).dump(2) + "\n");
  return true;
}

// An earlier demo run of the same settings is continued (or, finished, tested again); one of other
// settings is replaced, since a demo run is disposable.
void reuse_or_replace_run(ssl::TrainConfig& config) {
  const std::string dir = ssl::experiment_dir(config);
  if (!std::filesystem::exists(ssl::latest_state_path_for(config))) return;
  const nlohmann::json stored = read_json(ssl::config_json_path(dir));
  std::string differences = "\n  (no readable config.json)";
  if (stored.is_object() && stored.contains("settings")) {
    try {
      differences = ssl::fingerprint_differences(
          ssl::run_fingerprint(ssl::config_from_settings(stored.at("settings"))),
          ssl::run_fingerprint(config));
    } catch (const Error&) {
    }
  }
  if (differences.empty()) {
    config.resume = true;
    return;
  }
  std::printf("demo: the run in %s used other settings; starting it afresh:%s\n", dir.c_str(),
              differences.c_str());
  std::filesystem::remove_all(dir);
}

int run_demo(const DemoArgs& a) {
  ssl::TrainConfig config = finish_train_flags(a.flags);
  const std::string data_root = a.out + "/phantom";
  config.root_path = data_root;
  config.model_root = a.out + "/model";
  if (a.fresh) {
    std::filesystem::remove_all(config.model_root);
    std::filesystem::remove_all(data_root);
  }
  io::PhantomOptions phantom;
  phantom.size = {a.volume[0], a.volume[1], a.volume[2]};
  phantom.cases_train = 6;  // 1 labelled + 5 unlabelled: enough for the KNN refinement (k = 5)
  phantom.cases_val = 2;
  phantom.cases_test = 3;
  phantom.num_classes = config.num_classes;
  phantom.seed = config.seed;
  // New phantoms make every model trained on the old ones meaningless.
  if (ensure_phantoms(data_root, phantom)) std::filesystem::remove_all(config.model_root);
  reuse_or_replace_run(config);
  ssl::InterruptGuard interrupts;
  ssl::TrainingOutcome outcome = ssl::run_training(config, invocation());
  if (outcome.interrupted_by) return kExitInterrupted;
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
       // The demo's folders are <out>/phantom and <out>/model, and it continues an earlier run of
       // the same settings by itself: listing the train flags that would move the folders or
       // ask for a resume would promise what it does not do.
       for (const char* name : {"--root_path", "--model_root", "--resume"})
         sub.remove_option(sub.get_option(name));
       sub.add_option("--out", a->out, "Folder for the dataset, models and predictions")->capture_default_str();
       sub.add_option("--volume,--size", a->volume, "Phantom volume size X Y Z (new phantoms when it changes)")->expected(3)->capture_default_str();
       sub.add_flag("--fresh", a->fresh, "Delete an earlier demo's phantoms and models first");
       return [a] { return run_demo(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools
