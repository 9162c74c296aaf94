// The round driver: data, the prototype pseudo-labels, rounds 1..num_rounds, refinement between
// them, the run's records (config.json, progress.jsonl, round_tracking.json, report.html), resume.
#include "ssl/run/training_run.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/dataset.h"
#include "io/split_list.h"
#include "kernels/conv3d.h"
#include "kernels/precision.h"
#include "ssl/run/interrupt.h"
#include "ssl/run/progress_record.h"
#include "ssl/pseudo_labels/prototypes.h"
#include "ssl/pseudo_labels/pseudo_label_store.h"
#include "ssl/pseudo_labels/refinement_step.h"
#include "ssl/run/round_trainer.h"
#include "ssl/pseudo_labels/round_zero.h"
#include "ssl/run/run_report.h"
#include "ssl/run/train_settings.h"
#include "tensor/device.h"

namespace semisam::ssl {
namespace {

// state/rounds.json: the finished rounds, read back on resume.
std::string rounds_path(const std::string& dir) { return state_dir(dir) + "/rounds.json"; }

nlohmann::json round_json(const RoundSummary& r) {
  return {{"round", r.round},
          {"best_val_dice", r.best_dice},
          {"best_iteration", r.best_iteration},
          {"best_val_dice_per_class", r.best_class_dice},
          {"pseudo_label_dice_per_class", r.pseudo_label_dice},
          {"checkpoint", "round" + std::to_string(r.round) + "_best.h5"}};
}

std::vector<RoundSummary> read_rounds(const std::string& dir) {
  std::vector<RoundSummary> rounds;
  std::ifstream in(rounds_path(dir));
  if (!in) return rounds;
  try {
    for (const nlohmann::json& j : nlohmann::json::parse(in)) {
      RoundSummary r;
      r.round = j.at("round").get<int64_t>();
      r.best_dice = j.at("best_val_dice").get<double>();
      r.best_iteration = j.at("best_iteration").get<int64_t>();
      r.best_class_dice = j.at("best_val_dice_per_class").get<std::vector<double>>();
      r.pseudo_label_dice = j.at("pseudo_label_dice_per_class").get<std::vector<double>>();
      rounds.push_back(r);
    }
  } catch (const nlohmann::json::exception& e) {
    SEMISAM_FAIL(rounds_path(dir), " is damaged: ", e.what());
  }
  return rounds;
}

// state/rounds.json (read on resume) and round_tracking.json, both rewritten atomically after
// every round. round_tracking.json carries the reference's key — "test_dice": {"1": d1, ...},
// the best validation Dice per round keyed by the 1-based round as a string (SPEC §8) — and ours:
// per round the best iteration, the per-class Dice, the pseudo-label quality and the checkpoint.
void write_rounds(const std::string& dir, const TrainConfig& config,
                  const std::vector<RoundSummary>& rounds) {
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json reference = nlohmann::json::object();
  for (const RoundSummary& r : rounds) {
    list.push_back(round_json(r));
    reference[std::to_string(r.round)] = r.best_dice;
  }
  nlohmann::json tracking;
  tracking["test_dice"] = reference;
  tracking["num_rounds"] = config.num_rounds;
  tracking["rounds_finished"] = rounds.size();
  tracking["rounds"] = list;
  io::write_text_atomically(rounds_path(dir), list.dump(2) + "\n");
  io::write_text_atomically(dir + "/round_tracking.json", tracking.dump(2) + "\n");
}

// results_summary.txt: the reference's "Round r: Best Val Dice = d" lines after a short header
// (which the reference does not have: its parsers look for the "Round" lines).
void write_summary(const std::string& dir, const TrainConfig& config,
                   const std::vector<RoundSummary>& rounds, const std::string& command_line) {
  std::ostringstream out;
  out << "SemiSAM-O1 training summary\n"
      << "command: " << command_line << "\n"
      << "backbone: " << config.backbone << ", labelled cases: " << config.labeled_num
      << ", rounds: " << config.num_rounds << ", iterations per round: " << config.max_iterations
      << "\n";
  char line[160];
  for (const RoundSummary& r : rounds) {
    // Exactly the reference's line, for scripts that parse it; the iteration is in
    // round_tracking.json.
    std::snprintf(line, sizeof line, "Round %lld: Best Val Dice = %.4f\n", (long long)r.round,
                  r.best_dice);
    out << line;
  }
  out << "final model: round" << rounds.back().round << "_best.h5\n";
  io::write_text_atomically(dir + "/results_summary.txt", out.str());
}

void check_same_run(const io::Checkpoint& state, const TrainConfig& config,
                    const std::string& path) {
  SEMISAM_CHECK(state.info.count("round_numbering") &&
                    state.info.at("round_numbering") == kRoundNumbering,
                "cannot resume ", path, ": it was written by an earlier version of semisam that "
                "numbered rounds from 0; start a new run (another --exp or --model_root)");
  const std::string differences =
      fingerprint_differences(state.hyper_parameters, run_fingerprint(config));
  SEMISAM_CHECK(differences.empty(), "cannot resume ", path,
                ": it was started with other settings (use those, or another --exp or "
                "--model_root for a new run):", differences);
}

std::vector<std::string> unlabelled_names(const TrainingSet& set) {
  std::vector<std::string> names;
  for (const io::Case& c : set.unlabelled) names.push_back(c.name);
  return names;
}

// Sets the pseudo-labels round `round` trains on, logs and (when `record_row`) records their
// quality, and returns it.
std::vector<double> take_pseudo_labels(const TrainConfig& config, TrainingSet& set,
                                       std::vector<Tensor> labels, int64_t round,
                                       const std::string& source, bool record_row, RunLog& log,
                                       ProgressRecord& record) {
  set.pseudo_labels = std::move(labels);
  const PseudoLabelQuality quality = pseudo_label_quality(config, set, set.pseudo_labels);
  log_pseudo_label_quality(quality, "for round " + std::to_string(round) + " (" + source + ")",
                           log);
  if (record_row) {
    nlohmann::json row = {{"type", "pseudo_labels"}, {"round", round}, {"iteration", 0},
                          {"source", source}, {"cases", set.pseudo_labels.size()},
                          {"foreground_fraction", foreground_fraction(set.pseudo_labels)},
                          {"elapsed_s", log.elapsed_seconds()}};
    if (quality.cases > 0) {
      row["quality_dice"] = quality.class_dice;
      row["quality_cases"] = quality.cases;
    }
    record.append(row);
  }
  return quality.class_dice;
}

std::string final_checkpoint_path(const std::string& dir, const TrainConfig& config) {
  return dir + "/round" + std::to_string(config.num_rounds) + "_best.h5";
}

// The run's convolution-search setting for its duration; the process's previous one afterwards.
class ConvSearchGuard {
 public:
  explicit ConvSearchGuard(ops::ConvAlgoSearch search) : previous_(ops::conv_algo_search()) {
    ops::set_conv_algo_search(search);
  }
  ~ConvSearchGuard() { ops::set_conv_algo_search(previous_); }
  ConvSearchGuard(const ConvSearchGuard&) = delete;
  ConvSearchGuard& operator=(const ConvSearchGuard&) = delete;

 private:
  ops::ConvAlgoSearch previous_;
};

}  // namespace

std::string latest_state_path_for(const TrainConfig& config) {
  return latest_state_path(experiment_dir(config));
}

TrainingOutcome run_training(const TrainConfig& config, const std::string& command_line) {
  validate(config);
  TrainingOutcome outcome;
  outcome.experiment_dir = experiment_dir(config);
  const std::string& dir = outcome.experiment_dir;
  const std::string latest = latest_state_path(dir);
  const bool has_state = std::filesystem::exists(latest);
  SEMISAM_CHECK(!has_state || config.resume, dir, " already holds a training run (", latest,
                "): pass --resume to continue it, or choose another --exp or --model_root");
  SEMISAM_CHECK(has_state || !config.resume, "--resume: nothing to resume: ", latest,
                " does not exist (looked in the experiment folder ", dir, " that --model_root, "
                "--exp, --backbone and --labeled_num name); leave out --resume to start a run");
  // The split lists and the files they name are checked before anything is created, so a wrong
  // --root_path or a missing case leaves no experiment folder or log behind.
  for (const char* list : {"train.txt", "val.txt"}) {
    const std::string list_path = io::split_list_path(config.root_path, list);
    for (const std::string& name : io::read_split_list(list_path)) {
      const std::string path = io::case_path(config.root_path, name);
      SEMISAM_CHECK(std::filesystem::is_regular_file(path), "case '", name, "' listed in ",
                    list_path, ": file not found: ", path);
    }
  }
  const Device device = parse_device(config.device);
  SEMISAM_CHECK(device.type == DeviceType::CPU || device.index < cuda_device_count(), "--device ",
                config.device, ": this machine has ", cuda_device_count(), " usable CUDA "
                "device(s)", cuda_compiled() ? "" : " (this build has no CUDA backend)",
                "; use --device cpu");
  SEMISAM_CHECK(config.features.empty() || std::filesystem::exists(config.features),
                "--features ", config.features, " does not exist");
  SEMISAM_CHECK(config.sam_random_weights || !config.features.empty() ||
                    std::filesystem::exists(config.sam_ckpt) ||
                    std::filesystem::exists(dir + "/features.h5"),
                "--sam_ckpt ", config.sam_ckpt, " does not exist");
  io::Checkpoint state;
  if (has_state) {
    state = io::read_checkpoint(latest, /*with_tensors=*/false);
    check_same_run(state, config, latest);
  }
  std::filesystem::create_directories(state_dir(dir));
  // Temporaries of a run killed while writing (latest.h5.tmp-<pid> can be tens of MB).
  std::vector<std::string> stale = io::remove_stale_temporaries(dir);
  for (const std::string& path : io::remove_stale_temporaries(state_dir(dir))) stale.push_back(path);
  RunLog log(dir + "/log.txt");
  for (const std::string& path : stale)
    log.line("removed %s, left by a run that was killed while writing it", path.c_str());
  ProgressRecord record(progress_path(dir));
  write_config_json(dir, config, command_line);
  const auto write_report = [&] { write_run_report(dir); };
  ops::MathModeGuard mode(ops::parse_math_mode(config.precision));
  ConvSearchGuard conv_search(ops::parse_conv_algo_search(config.conv_search));
  // The algorithms a benchmark search chose before the state was saved: the resumed run must use
  // the same ones to stay bit-identical.
  if (has_state && state.info.count("conv_algorithms"))
    ops::import_conv_algorithms(state.info.at("conv_algorithms"), latest);
  log.line("command: %s", command_line.c_str());
  log.line("experiment %s: backbone %s, %lld round(s) of %lld iterations, patch %lldx%lldx%lld, "
           "%s on %s", dir.c_str(), config.backbone.c_str(), (long long)config.num_rounds,
           (long long)config.max_iterations, (long long)config.patch_size[0],
           (long long)config.patch_size[1], (long long)config.patch_size[2],
           config.precision.c_str(), device.str().c_str());

  // Where to pick up: the round and iteration of the saved state, if any.
  int64_t round = 1;
  bool resume_round = false;
  if (has_state) {
    outcome.rounds = read_rounds(dir);
    round = state.round;
    resume_round = state.iteration < config.max_iterations;
    log.line("resuming: round %lld/%lld %s at iteration %lld/%lld", (long long)state.round,
             (long long)config.num_rounds, resume_round ? "in progress" : "finished",
             (long long)state.iteration, (long long)config.max_iterations);
    // Rows past the state are about to be written again.
    record.truncate_after(state.round, state.iteration);
    record.append({{"type", "resumed"}, {"round", state.round}, {"iteration", state.iteration},
                   {"command_line", command_line}, {"elapsed_s", log.elapsed_seconds()}});
    if (!resume_round) {
      // That round finished (its best weights are in the state); a crash may have come before
      // its line reached the round files.
      if (outcome.rounds.empty() || outcome.rounds.back().round < state.round) {
        SEMISAM_CHECK(state.info.count("best_iteration"), latest, " lacks 'best_iteration'");
        RoundSummary finished{state.round, state.best_dice,
                              std::stoll(state.info.at("best_iteration")), {}, {}};
        if (state.info.count("best_class_dice"))
          finished.best_class_dice = nlohmann::json::parse(state.info.at("best_class_dice"))
                                         .get<std::vector<double>>();
        outcome.rounds.push_back(finished);
        write_rounds(dir, config, outcome.rounds);
      }
      ++round;
    }
  } else {
    record.clear();  // a new run: rows of an attempt that never saved a state are void
  }
  if (round > config.num_rounds) {
    write_rounds(dir, config, outcome.rounds);  // again, in case a crash beat them
    write_summary(dir, config, outcome.rounds, command_line);
    write_report();
    log.line("the run had already finished");
    outcome.finished = true;
    outcome.final_checkpoint = final_checkpoint_path(dir, config);
    return outcome;
  }

  TrainingSet set = load_training_set(config, log);
  const std::vector<CaseFeatures> features = training_features(config, set, dir, device, log);
  const std::vector<std::string> names = unlabelled_names(set);

  // The pseudo-labels of the round about to run: saved when made, read back on resume.
  std::vector<double> quality;
  const std::string labels_path = pseudo_label_path(dir, round);
  if (std::filesystem::exists(labels_path) && has_state) {
    log.line("pseudo-labels of round %lld read from %s", (long long)round, labels_path.c_str());
    // A round in progress has their row in the record already; a round about to start lost it
    // with the rows past the state.
    quality = take_pseudo_labels(config, set, load_pseudo_labels(labels_path, round, names), round,
                                 round == 1 ? "prototypes" : "refined", !resume_round, log, record);
  } else if (round == 1) {
    quality = take_pseudo_labels(config, set, round_zero_pseudo_labels(config, set, features, log),
                                 round, "prototypes", true, log, record);
    save_pseudo_labels(labels_path, round, names, set.pseudo_labels);
  } else {
    // The previous round finished but its refinement did not: rebuild its best model from the
    // state. A round in progress without its saved pseudo-labels cannot be resumed faithfully.
    SEMISAM_CHECK(!resume_round, labels_path, " is missing: the pseudo-labels round ", round,
                  " trains on are lost, so it cannot be resumed (start a new run)");
    auto previous = make_backbone(round_backbone_options(config, round - 1, device));
    io::Checkpoint full = io::read_checkpoint(latest);
    previous->load_segmentation_parameters(full.tensors.at(io::kParamsGroup));
    quality = take_pseudo_labels(
        config, set, refined_pseudo_labels(config, set, features, *previous, device, log), round,
        "refined", true, log, record);
    save_pseudo_labels(labels_path, round, names, set.pseudo_labels);
  }

  int64_t budget = config.stop_after > 0 ? config.stop_after : -1;
  const RoundContext context{config, dir, command_line, log, record, device, write_report};
  for (; round <= config.num_rounds; ++round) {
    auto backbone = make_backbone(round_backbone_options(config, round, device));
    log.line("round %lld/%lld: fresh %s networks (%s)", (long long)round,
             (long long)config.num_rounds, config.backbone.c_str(),
             backbone->architecture().c_str());
    const RoundResult result = run_round(context, round, set, *backbone, resume_round, budget);
    resume_round = false;
    if (!result.finished) {
      outcome.interrupted_by = result.interrupted_by;
      write_report();
      return outcome;
    }
    outcome.rounds.push_back(
        {round, result.best_dice, result.best_iteration, result.best_class_dice, quality});
    write_rounds(dir, config, outcome.rounds);
    write_report();
    if (round == config.num_rounds) break;
    if (const int signal = pending_interrupt()) {
      // The round's state is saved; the refinement runs again on resume.
      log.line("stopped after round %lld (%s), before its refinement; continue with --resume",
               (long long)round, signal_name(signal));
      record.append({{"type", "stopped"}, {"round", round}, {"iteration", config.max_iterations},
                     {"reason", signal_name(signal)}, {"elapsed_s", log.elapsed_seconds()}});
      outcome.interrupted_by = signal;
      return outcome;
    }
    quality = take_pseudo_labels(
        config, set, refined_pseudo_labels(config, set, features, *backbone, device, log),
        round + 1, "refined", true, log, record);
    save_pseudo_labels(pseudo_label_path(dir, round + 1), round + 1, names, set.pseudo_labels);
  }
  write_summary(dir, config, outcome.rounds, command_line);
  outcome.finished = true;
  outcome.final_checkpoint = final_checkpoint_path(dir, config);
  record.append({{"type", "finished"}, {"round", config.num_rounds},
                 {"iteration", config.max_iterations}, {"final_checkpoint",
                 outcome.final_checkpoint}, {"elapsed_s", log.elapsed_seconds()}});
  write_report();
  log.line("training finished: final model %s", outcome.final_checkpoint.c_str());
  return outcome;
}

}  // namespace semisam::ssl
