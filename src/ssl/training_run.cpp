// The round driver: data, round 0, rounds, refinement between them, tracking files, resume.
#include "ssl/training_run.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/split_list.h"
#include "kernels/precision.h"
#include "ssl/pseudo_label_store.h"
#include "ssl/refinement_step.h"
#include "ssl/round_trainer.h"
#include "ssl/round_zero.h"
#include "tensor/device.h"

namespace semisam::ssl {
namespace {

std::string rounds_path(const std::string& dir) { return state_dir(dir) + "/rounds.tsv"; }

std::vector<RoundSummary> read_rounds(const std::string& dir) {
  std::vector<RoundSummary> rounds;
  std::ifstream in(rounds_path(dir));
  RoundSummary r;
  while (in >> r.round >> r.best_dice >> r.best_iteration) rounds.push_back(r);
  return rounds;
}

// state/rounds.tsv (read on resume) and round_tracking.json (SPEC §8: best validation Dice per
// round), both rewritten atomically after every round.
void write_rounds(const std::string& dir, const std::vector<RoundSummary>& rounds) {
  std::ostringstream tsv, json;
  tsv.precision(17);
  json.precision(6);
  json << "{\n  \"rounds\": [";
  for (size_t i = 0; i < rounds.size(); ++i) {
    tsv << rounds[i].round << ' ' << rounds[i].best_dice << ' ' << rounds[i].best_iteration << '\n';
    json << (i ? ",\n" : "\n") << "    {\"round\": " << rounds[i].round
         << ", \"best_val_dice\": " << rounds[i].best_dice
         << ", \"best_iteration\": " << rounds[i].best_iteration << "}";
  }
  json << "\n  ]\n}\n";
  io::write_text_atomically(rounds_path(dir), tsv.str());
  io::write_text_atomically(dir + "/round_tracking.json", json.str());
}

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
    std::snprintf(line, sizeof line, "round %lld: best validation Dice %.4f at iteration %lld\n",
                  (long long)r.round, r.best_dice, (long long)r.best_iteration);
    out << line;
  }
  out << "final model: round" << rounds.back().round << "_best.h5\n";
  io::write_text_atomically(dir + "/results_summary.txt", out.str());
}

void check_same_run(const io::Checkpoint& state, const TrainConfig& config,
                    const std::string& path) {
  const std::map<std::string, std::string> now = run_fingerprint(config);
  std::string differences;
  for (const auto& [key, value] : now) {
    auto it = state.hyper_parameters.find(key);
    const std::string before = it == state.hyper_parameters.end() ? "(absent)" : it->second;
    if (before != value) differences += "\n  --" + key + ": " + before + " then, " + value + " now";
  }
  SEMISAM_CHECK(differences.empty(), "cannot resume ", path,
                ": it was started with other settings (use those, or another --exp or "
                "--model_root for a new run):", differences);
}

std::vector<std::string> unlabelled_names(const TrainingSet& set) {
  std::vector<std::string> names;
  for (const io::Case& c : set.unlabelled) names.push_back(c.name);
  return names;
}

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
  // The split lists are checked before anything is created, so a wrong --root_path leaves no
  // empty experiment folder behind.
  for (const char* list : {"train.txt", "val.txt"})
    io::read_split_list(io::split_list_path(config.root_path, list));
  const Device device = parse_device(config.device);
  SEMISAM_CHECK(device.type == DeviceType::CPU || device.index < cuda_device_count(), "--device ",
                config.device, ": this machine has ", cuda_device_count(), " usable CUDA "
                "device(s)", cuda_compiled() ? "" : " (this build has no CUDA backend)",
                "; use --device cpu");
  SEMISAM_CHECK(config.sam_random_weights || std::filesystem::exists(config.sam_ckpt) ||
                    std::filesystem::exists(dir + "/features.h5"),
                "--sam_ckpt ", config.sam_ckpt, " does not exist");
  std::filesystem::create_directories(state_dir(dir));
  RunLog log(dir + "/log.txt");
  ops::MathModeGuard mode(ops::parse_math_mode(config.precision));
  log.line("command: %s", command_line.c_str());
  log.line("experiment %s: backbone %s, %lld round(s) of %lld iterations, patch %lldx%lldx%lld, "
           "%s on %s", dir.c_str(), config.backbone.c_str(), (long long)config.num_rounds,
           (long long)config.max_iterations, (long long)config.patch_size[0],
           (long long)config.patch_size[1], (long long)config.patch_size[2],
           config.precision.c_str(), device.str().c_str());

  // Where to pick up: the round and iteration of the saved state, if any.
  int64_t round = 0;
  bool resume_round = false;
  if (has_state) {
    io::Checkpoint state = io::read_checkpoint(latest, /*with_tensors=*/false);
    check_same_run(state, config, latest);
    outcome.rounds = read_rounds(dir);
    round = state.round;
    resume_round = state.iteration < config.max_iterations;
    if (!resume_round) {
      // That round finished (its best weights are in the state); a crash may have come before
      // its line reached the round files.
      if (outcome.rounds.empty() || outcome.rounds.back().round < state.round) {
        SEMISAM_CHECK(state.info.count("best_iteration"), latest, " lacks 'best_iteration'");
        outcome.rounds.push_back(
            {state.round, state.best_dice, std::stoll(state.info.at("best_iteration"))});
        write_rounds(dir, outcome.rounds);
      }
      ++round;
    }
    log.line("resuming: round %lld %s", (long long)state.round,
             resume_round ? "in progress" : "finished");
  }
  if (round >= config.num_rounds) {
    write_summary(dir, config, outcome.rounds, command_line);  // again, in case a crash beat it
    log.line("the run had already finished");
    outcome.finished = true;
    outcome.final_checkpoint = dir + "/round" + std::to_string(config.num_rounds - 1) + "_best.h5";
    return outcome;
  }

  TrainingSet set = load_training_set(config, log);
  const std::vector<CaseFeatures> features = training_features(config, set, dir, device, log);
  const std::vector<std::string> names = unlabelled_names(set);

  // The pseudo-labels of the round about to run: saved when made, read back on resume.
  const std::string labels_path = pseudo_label_path(dir, round);
  if (std::filesystem::exists(labels_path) && has_state) {
    set.pseudo_labels = load_pseudo_labels(labels_path, round, names);
    log.line("pseudo-labels of round %lld read from %s", (long long)round, labels_path.c_str());
  } else if (round == 0) {
    set.pseudo_labels = round_zero_pseudo_labels(config, set, features, log);
    log_pseudo_label_quality(config, set, set.pseudo_labels, "after round 0 prototypes", log);
    save_pseudo_labels(labels_path, round, names, set.pseudo_labels);
  } else {
    // The previous round finished but its refinement did not: rebuild its best model from the
    // state. A round in progress without its saved pseudo-labels cannot be resumed faithfully.
    SEMISAM_CHECK(!resume_round, labels_path, " is missing: the pseudo-labels round ", round,
                  " trains on are lost, so it cannot be resumed (start a new run)");
    auto previous = make_backbone(round_backbone_options(config, round - 1, device));
    io::Checkpoint state = io::read_checkpoint(latest);
    previous->load_segmentation_parameters(state.tensors.at(io::kParamsGroup));
    set.pseudo_labels = refined_pseudo_labels(config, set, features, *previous, device, log);
    log_pseudo_label_quality(config, set, set.pseudo_labels,
                             "after round " + std::to_string(round - 1), log);
    save_pseudo_labels(labels_path, round, names, set.pseudo_labels);
  }

  int64_t budget = config.stop_after > 0 ? config.stop_after : -1;
  const RoundContext context{config, dir, command_line, log, device};
  for (; round < config.num_rounds; ++round) {
    auto backbone = make_backbone(round_backbone_options(config, round, device));
    log.line("round %lld/%lld: fresh %s networks (%s)", (long long)round + 1,
             (long long)config.num_rounds, config.backbone.c_str(),
             backbone->architecture().c_str());
    const RoundResult result = run_round(context, round, set, *backbone, resume_round, budget);
    resume_round = false;
    if (!result.finished) return outcome;
    outcome.rounds.push_back({round, result.best_dice, result.best_iteration});
    write_rounds(dir, outcome.rounds);
    if (round + 1 < config.num_rounds) {
      set.pseudo_labels = refined_pseudo_labels(config, set, features, *backbone, device, log);
      log_pseudo_label_quality(config, set, set.pseudo_labels,
                               "after round " + std::to_string(round), log);
      save_pseudo_labels(pseudo_label_path(dir, round + 1), round + 1, names, set.pseudo_labels);
    }
  }
  write_summary(dir, config, outcome.rounds, command_line);
  outcome.finished = true;
  outcome.final_checkpoint = dir + "/round" + std::to_string(config.num_rounds - 1) + "_best.h5";
  log.line("training finished: final model %s", outcome.final_checkpoint.c_str());
  return outcome;
}

}  // namespace semisam::ssl
