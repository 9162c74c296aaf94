// The settings of a training run as JSON (<experiment>/config.json), and `--resume` with only the
// flags that locate the run: the rest come from that file.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssl/run/train_config.h"

namespace semisam::ssl {

// Every setting of `config` under its flag name (without the dashes; SPEC §8's spelling, e.g.
// "DAN_lr"), typed: numbers as numbers, patch_size as an array. The per-invocation flags
// (stop_after, resume) are left out.
nlohmann::json settings_json(const TrainConfig& config);

// The inverse: `defaults` with every setting `settings` names replaced. Throws naming the flag
// when a value has the wrong type, or the setting is unknown.
TrainConfig config_from_settings(const nlohmann::json& settings, const TrainConfig& defaults = {});

// <experiment>/config.json: {"format": "semisam-train-config", "version": 1, "command_line",
// "experiment_dir", "settings": settings_json(config)}, written atomically.
std::string config_json_path(const std::string& experiment_dir);
void write_config_json(const std::string& experiment_dir, const TrainConfig& config,
                       const std::string& command_line);

// Flags a resumed run may change, since they do not alter what it computes: --device,
// --log_interval, --stop_after (and --resume itself).
const std::set<std::string>& settings_safe_to_change_on_resume();

// Whether two values of setting `name` mean the same: paths (root_path, sam_ckpt, model_root)
// (and features) are compared after normalisation (`ph3` == `./ph3` == `/abs/ph3`), the rest exactly.
bool same_setting(const std::string& name, const std::string& a, const std::string& b);

// Lines "\n  --flag: <before> then, <now> now" for every key of `now` whose value differs from
// `before` (absent keys count as "(absent)"), paths compared by same_setting. Empty: same run.
std::string fingerprint_differences(const std::map<std::string, std::string>& before,
                                    const std::map<std::string, std::string>& now);

// Path normalisation used by same_setting: absolute, lexically normal, symbolic links of the
// existing part resolved, no trailing separator.
std::string normalised_path(const std::string& path);

// `--resume` from the command line: `given` holds the parsed flags, `given_flags` the names (no
// dashes) of those typed explicitly. The run is found from model_root, exp, backbone and
// labeled_num, its config.json read, and the stored settings returned with the safe flags of
// `given` applied and resume set. Throws when there is nothing to resume (saying where it looked)
// or when an explicit flag differs from the stored run and is not safe (naming every one).
TrainConfig settings_for_resume(const TrainConfig& given, const std::set<std::string>& given_flags);

}  // namespace semisam::ssl
