// config.json: writing the settings, reading them back, and merging them with a resume's flags.
#include "ssl/run/train_settings.h"

#include <filesystem>
#include <fstream>
#include <type_traits>

#include "io/atomic_file.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

constexpr const char* kConfigFormat = "semisam-train-config";
constexpr int kConfigVersion = 1;

// Calls f(flag name, member) for every persistent setting; one list serves writing, reading and
// comparing, so they cannot drift apart.
template <typename Config, typename F>
void visit_settings(Config& c, F&& f) {
  f("root_path", c.root_path);
  f("exp", c.exp);
  f("backbone", c.backbone);
  f("max_iterations", c.max_iterations);
  f("batch_size", c.batch_size);
  f("labeled_bs", c.labeled_bs);
  f("labeled_num", c.labeled_num);
  f("base_lr", c.base_lr);
  f("DAN_lr", c.dan_lr);
  f("patch_size", c.patch_size);
  f("seed", c.seed);
  f("ema_decay", c.ema_decay);
  f("consistency", c.consistency);
  f("consistency_rampup", c.consistency_rampup);
  f("num_rounds", c.num_rounds);
  f("knn_k", c.knn_k);
  f("uncertainty_quantile", c.uncertainty_quantile);
  f("num_classes", c.num_classes);
  f("sam_ckpt", c.sam_ckpt);
  f("image_key", c.image_key);
  f("binary_label", c.binary_label);
  f("dtc_sdf_weight", c.dtc_sdf_weight);
  f("features", c.features);
  f("model_root", c.model_root);
  f("device", c.device);
  f("precision", c.precision);
  f("conv_search", c.conv_search);
  f("sam_encoder", c.sam_encoder);
  f("sam_random_weights", c.sam_random_weights);
  f("base_filters", c.base_filters);
  f("discriminator_ndf", c.discriminator_ndf);
  f("val_interval", c.val_interval);
  f("save_interval", c.save_interval);
  f("val_stride", c.val_stride);
  f("pseudo_stride", c.pseudo_stride);
  f("log_interval", c.log_interval);
}

bool is_path_setting(const std::string& name) {
  return name == "root_path" || name == "sam_ckpt" || name == "model_root" || name == "features";
}

// A value as a person types it, for messages: strings bare, the rest as JSON.
std::string shown(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

nlohmann::json settings_json(const TrainConfig& config) {
  nlohmann::json settings = nlohmann::json::object();
  visit_settings(config, [&](const char* name, const auto& value) { settings[name] = value; });
  return settings;
}

TrainConfig config_from_settings(const nlohmann::json& settings, const TrainConfig& defaults) {
  SEMISAM_CHECK(settings.is_object(), "training settings must be a JSON object, got ",
                settings.type_name());
  TrainConfig config = defaults;
  std::set<std::string> known;
  visit_settings(config, [&](const char* name, auto& value) {
    known.insert(name);
    auto it = settings.find(name);
    if (it == settings.end()) return;
    try {
      value = it->template get<std::decay_t<decltype(value)>>();
    } catch (const nlohmann::json::exception& e) {
      SEMISAM_FAIL("setting '", name, "' has a value of the wrong type (", it->dump(), "): ",
                   e.what());
    }
  });
  for (const auto& item : settings.items())
    SEMISAM_CHECK(known.count(item.key()), "unknown training setting '", item.key(), "'");
  return config;
}

std::string config_json_path(const std::string& experiment_dir) {
  return experiment_dir + "/config.json";
}

void write_config_json(const std::string& experiment_dir, const TrainConfig& config,
                       const std::string& command_line) {
  nlohmann::json doc;
  doc["format"] = kConfigFormat;
  doc["version"] = kConfigVersion;
  doc["command_line"] = command_line;
  doc["experiment_dir"] = experiment_dir;
  doc["settings"] = settings_json(config);
  io::write_text_atomically(config_json_path(experiment_dir), doc.dump(2) + "\n");
}

const std::set<std::string>& settings_safe_to_change_on_resume() {
  static const std::set<std::string> safe = {"device", "log_interval", "stop_after", "resume"};
  return safe;
}

std::string normalised_path(const std::string& path) {
  if (path.empty()) return path;
  std::error_code error;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), error);
  if (error) p = std::filesystem::absolute(path).lexically_normal();
  std::string text = p.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

bool same_setting(const std::string& name, const std::string& a, const std::string& b) {
  if (a == b) return true;
  return is_path_setting(name) && normalised_path(a) == normalised_path(b);
}

std::string fingerprint_differences(const std::map<std::string, std::string>& before,
                                    const std::map<std::string, std::string>& now) {
  std::string differences;
  for (const auto& [key, value] : now) {
    auto it = before.find(key);
    const std::string then = it == before.end() ? "(absent)" : it->second;
    if (!same_setting(key, then, value))
      differences += "\n  --" + key + ": " + then + " then, " + value + " now";
  }
  return differences;
}

TrainConfig settings_for_resume(const TrainConfig& given, const std::set<std::string>& given_flags) {
  const std::string dir = experiment_dir(given);
  const std::string path = config_json_path(dir);
  SEMISAM_CHECK(std::filesystem::exists(path) || !std::filesystem::exists(dir + "/state"),
                "--resume: ", dir, " holds a run without config.json, written by an earlier "
                "version of semisam, which this one cannot resume; start a new run (another --exp "
                "or --model_root)");
  SEMISAM_CHECK(std::filesystem::exists(path), "--resume: nothing to resume: ", path,
                " does not exist (the run is looked for in the experiment folder that --model_root ",
                given.model_root, ", --exp ", given.exp, ", --backbone ", given.backbone,
                " and --labeled_num ", given.labeled_num, " name)");
  nlohmann::json doc;
  {
    std::ifstream in(path);
    try {
      doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      SEMISAM_FAIL("--resume: ", path, " is not valid JSON: ", e.what());
    }
  }
  SEMISAM_CHECK(doc.value("format", "") == kConfigFormat && doc.contains("settings"), "--resume: ",
                path, " is not a semisam training configuration");
  const TrainConfig stored = config_from_settings(doc.at("settings"));
  const nlohmann::json before = settings_json(stored), now = settings_json(given);
  std::string differences;
  for (const std::string& flag : given_flags) {
    if (settings_safe_to_change_on_resume().count(flag) || !before.contains(flag)) continue;
    if (!same_setting(flag, shown(before.at(flag)), shown(now.at(flag))))
      differences += "\n  --" + flag + ": " + shown(before.at(flag)) + " then, " +
                     shown(now.at(flag)) + " now";
  }
  SEMISAM_CHECK(differences.empty(), "--resume: ", dir, " was started with other settings (leave "
                "these flags out to keep the stored values; only --device, --log_interval and "
                "--stop_after may change on resume):", differences);
  TrainConfig merged = stored;
  if (given_flags.count("device")) merged.device = given.device;
  if (given_flags.count("log_interval")) merged.log_interval = given.log_interval;
  merged.stop_after = given.stop_after;
  merged.resume = true;
  return merged;
}

}  // namespace semisam::ssl
