// One training round of SPEC §4 with its validation, checkpoints and the state a resumed run
// continues from: fresh networks, `max_iterations` iterations, validation every `val_interval`,
// the round's best model restored at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ssl/training/backbone.h"
#include "ssl/run/progress_record.h"
#include "ssl/run/run_log.h"
#include "ssl/inference/sliding_window.h"
#include "ssl/run/train_config.h"
#include "ssl/training/training_set.h"

namespace semisam::ssl {

// Rounds are numbered 1..num_rounds everywhere (logs, file names, records, checkpoints), as in
// the reference (round1_best.pth ... round3_best.pth).
struct RoundResult {
  double best_dice = 0.0;                // best validation Dice of the round (0 when none beat 0)
  int64_t best_iteration = 0;            // iterations done when it was reached
  std::vector<double> best_class_dice;   // per foreground class at that validation
  bool finished = false;                 // false: stopped early (stop_after or a signal), state saved
  int interrupted_by = 0;                // SIGINT / SIGTERM that stopped it, else 0
};

// Marks states written with 1-based rounds (info "round_numbering"); earlier states numbered them
// from 0 and are refused on resume rather than misread.
constexpr const char* kRoundNumbering = "1..num_rounds";

// Where a run keeps what it resumes from: <experiment>/state/.
std::string state_dir(const std::string& experiment_dir);
std::string latest_state_path(const std::string& experiment_dir);

struct RoundContext {
  const TrainConfig& config;
  const std::string& experiment_dir;
  const std::string& command_line;
  RunLog& log;
  ProgressRecord& record;
  Device device;
  std::function<void()> after_validation;  // e.g. rewrite report.html; may be empty
};

// The backbone options of round `round`: the config's settings with a seed of its own per round
// (every round starts from a fresh initialisation, as the reference's, which draws new networks
// from its running random stream).
BackboneOptions round_backbone_options(const TrainConfig& config, int64_t round, Device device);

// The sliding window over whole cases with the run's patch, classes and device at `stride`, and
// the backbone's segmentation logits as its predictor.
SlidingWindowOptions window_options(const TrainConfig& config, int64_t stride, Device device);
PatchPredictor backbone_predictor(Backbone& backbone);

struct ValidationScore {
  std::vector<double> class_dice;  // per foreground class, mean over the validation cases
  double mean = 0.0;               // over cases and foreground classes: what picks the best model
};

// Validation Dice (sliding window with val_stride; the reference's cal_metric rule: 0 unless both
// masks have foreground).
ValidationScore validation_score(Backbone& backbone, const TrainingSet& set,
                                 const TrainConfig& config, Device device);

// "1:23:45": whole seconds as hours, minutes, seconds (for ETAs).
std::string duration_text(double seconds);

// Runs round `round` (1-based) on the set's current pseudo-labels. When `resume` is set, continues from
// latest_state_path (which must belong to this round). `iteration_budget` counts the iterations
// this invocation may still run (negative: unlimited); it is decreased as they run. A pending
// SIGINT/SIGTERM (interrupt.h) stops the round at the end of the current iteration with the state
// saved. Every logged iteration and validation is appended to the context's record. On return the
// backbone holds the round's best segmentation weights (when finished).
RoundResult run_round(const RoundContext& context, int64_t round, const TrainingSet& set,
                      Backbone& backbone, bool resume, int64_t& iteration_budget);

}  // namespace semisam::ssl
