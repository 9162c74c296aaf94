// The whole SemiSAM-O1 training run (SPEC §3–§6): round-0 prototype pseudo-labels, then
// `num_rounds` rounds of fresh networks with pseudo-label refinement in between; resumable after a
// crash or a deliberate stop from the state it keeps in <experiment>/state/.
#pragma once

#include <string>
#include <vector>

#include "ssl/run/train_config.h"

namespace semisam::ssl {

// One finished round (rounds are numbered 1..num_rounds).
struct RoundSummary {
  int64_t round = 0;
  double best_dice = 0.0;
  int64_t best_iteration = 0;
  std::vector<double> best_class_dice;    // per foreground class at the best validation
  std::vector<double> pseudo_label_dice;  // quality of the pseudo-labels it trained on (empty:
                                          // no unlabelled file holds a label)
};

struct TrainingOutcome {
  std::string experiment_dir;
  std::vector<RoundSummary> rounds;  // the rounds finished so far
  bool finished = false;             // false when stop_after or a signal ended this invocation
  int interrupted_by = 0;            // SIGINT / SIGTERM that stopped it (state saved), else 0
  std::string final_checkpoint;      // round<num_rounds>_best.h5 once finished
};

// The state file whose presence means the experiment folder holds a run (resume it).
std::string latest_state_path_for(const TrainConfig& config);

// Writes into experiment_dir(config): log.txt, config.json, progress.jsonl, report.html,
// features.h5, round{r}_best.h5 and the other checkpoints, round_tracking.json,
// results_summary.txt, state/. Refuses to start over a folder that holds a run unless
// config.resume is set (and then refuses a run of other settings, naming them), and refuses
// config.resume when the folder holds nothing to resume. With an InterruptGuard installed, SIGINT
// or SIGTERM stops it at the end of the current iteration with the state saved.
TrainingOutcome run_training(const TrainConfig& config, const std::string& command_line);

}  // namespace semisam::ssl
