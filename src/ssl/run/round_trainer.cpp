// The iteration loop of one round: batches, steps, progress lines, validation, checkpoints, the
// resumable state, and the restore of the round's best weights.
#include "ssl/run/round_trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "eval/class_metrics.h"
#include "io/checkpoint.h"
#include "io/fault_injection.h"
#include "kernels/conv3d.h"
#include "kernels/copy.h"
#include "ssl/run/interrupt.h"
#include "ssl/inference/segmentation_checkpoint.h"

namespace semisam::ssl {
namespace {

// Decorrelates the per-round seeds of the networks and of the augmentation from the run seed.
constexpr uint64_t kRoundSeedStep = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kAugmentSalt = 0xd1b54a32d192ed03ull;

// Rounds are 1-based; the seeds are those of the 0-based numbering earlier versions used, so
// results did not change with the numbering.
uint64_t round_seed(uint64_t seed, int64_t round) {
  return seed + kRoundSeedStep * static_cast<uint64_t>(round - 1);
}

io::TensorList clone_list(const io::TensorList& tensors) {
  io::TensorList out;
  out.reserve(tensors.size());
  for (const auto& t : tensors) out.push_back({t.name, ops::clone(t.tensor)});
  return out;
}

// The full training state at `iterations_done`: segmentation weights, everything else the
// backbone needs, the best weights so far, random streams, and the run's fingerprint.
void save_latest(const RoundContext& ctx, int64_t round, int64_t iterations_done,
                 const Backbone& backbone, const RoundResult& progress,
                 const io::TensorList& best) {
  io::Checkpoint ckpt;
  ckpt.architecture = "semisam_training_state";
  ckpt.hyper_parameters = run_fingerprint(ctx.config);
  ckpt.round = round;
  ckpt.iteration = iterations_done;
  ckpt.best_dice = progress.best_dice;
  ckpt.command_line = ctx.command_line;
  ckpt.info["best_iteration"] = std::to_string(progress.best_iteration);
  ckpt.info["best_class_dice"] = nlohmann::json(progress.best_class_dice).dump();
  ckpt.info["round_numbering"] = kRoundNumbering;
  ckpt.info["segmentation_architecture"] = backbone.architecture();
  ckpt.info["conv_algorithms"] = ops::export_conv_algorithms();
  ckpt.tensors[io::kParamsGroup] = backbone.segmentation_parameters();
  for (auto& [group, tensors] : backbone.training_state()) ckpt.tensors[group] = tensors;
  if (!best.empty()) ckpt.tensors["best"] = best;
  ckpt.rng = backbone.rng_state();
  std::filesystem::create_directories(state_dir(ctx.experiment_dir));
  io::write_checkpoint(latest_state_path(ctx.experiment_dir), ckpt);
}

std::string dice_text(double dice) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", dice);
  return buffer;
}

std::string class_dice_text(const std::vector<double>& dice) {
  std::string text;
  for (size_t c = 0; c < dice.size(); ++c)
    text += std::string(c ? ", " : "") + "class " + std::to_string(c + 1) + " " + dice_text(dice[c]);
  return text;
}

// Saves the state at `iterations_done`, logs why the round stopped there and records it.
void stop_round(const RoundContext& ctx, int64_t round, int64_t iterations_done,
                const Backbone& backbone, const RoundResult& progress, const io::TensorList& best,
                const std::string& reason) {
  save_latest(ctx, round, iterations_done, backbone, progress, best);
  ctx.log.line("round %lld: stopped after iteration %lld (%s); the state is saved in %s, continue "
               "with --resume", (long long)round, (long long)iterations_done, reason.c_str(),
               latest_state_path(ctx.experiment_dir).c_str());
  ctx.record.append({{"type", "stopped"}, {"round", round}, {"iteration", iterations_done},
                     {"reason", reason}, {"elapsed_s", ctx.log.elapsed_seconds()}});
}

}  // namespace

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long total = std::llround(seconds);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                total % 60);
  return buffer;
}

std::string state_dir(const std::string& experiment_dir) { return experiment_dir + "/state"; }
std::string latest_state_path(const std::string& experiment_dir) {
  return state_dir(experiment_dir) + "/latest.h5";
}

BackboneOptions round_backbone_options(const TrainConfig& config, int64_t round, Device device) {
  BackboneOptions o;
  o.name = config.backbone;
  o.network.num_classes = config.num_classes;
  o.network.base_filters = config.base_filters;
  o.labeled_bs = config.labeled_bs;
  o.max_iterations = config.max_iterations;
  o.base_lr = config.base_lr;
  o.ema_decay = config.ema_decay;
  o.consistency = config.consistency;
  o.consistency_rampup = config.consistency_rampup;
  o.dan_lr = config.dan_lr;
  o.discriminator_ndf = config.discriminator_ndf;
  o.dtc_sdf_weight = config.dtc_sdf_weight;
  o.seed = round_seed(config.seed, round);
  o.device = device;
  return o;
}

SlidingWindowOptions window_options(const TrainConfig& config, int64_t stride, Device device) {
  SlidingWindowOptions window;
  window.patch = config.patch_size;
  window.stride = {stride, stride, stride};
  window.num_classes = config.num_classes;
  window.device = device;
  return window;
}

PatchPredictor backbone_predictor(Backbone& backbone) {
  return [&backbone](const Tensor& patches) { return backbone.predict_logits(patches); };
}

ValidationScore validation_score(Backbone& backbone, const TrainingSet& set,
                                 const TrainConfig& config, Device device) {
  const SlidingWindowOptions window = window_options(config, config.val_stride, device);
  const PatchPredictor predictor = backbone_predictor(backbone);
  ValidationScore score;
  score.class_dice.assign(size_t(config.num_classes - 1), 0.0);
  double sum = 0.0;  // summed in case-then-class order, as always: the mean picks the best model
  int64_t count = 0;
  for (const io::Case& c : set.validation) {
    SlidingWindowResult result = sliding_window_predict(c.image, predictor, window);
    const std::vector<double> dice = eval::class_dice(
        result.label, c.label, int(config.num_classes), eval::EmptyMaskPolicy::Validation);
    io::fault_point("validation");
    for (size_t k = 0; k < dice.size(); ++k) {
      score.class_dice[k] += dice[k];
      sum += dice[k];
      ++count;
    }
  }
  for (double& d : score.class_dice) d = set.validation.empty() ? 0.0 : d / double(set.validation.size());
  score.mean = count > 0 ? sum / double(count) : 0.0;
  return score;
}

RoundResult run_round(const RoundContext& ctx, int64_t round, const TrainingSet& set,
                      Backbone& backbone, bool resume, int64_t& iteration_budget) {
  const TrainConfig& config = ctx.config;
  RoundResult progress;
  io::TensorList best;
  int64_t start = 0;
  if (resume) {
    io::Checkpoint state = io::read_checkpoint(latest_state_path(ctx.experiment_dir));
    SEMISAM_CHECK(state.round == round, latest_state_path(ctx.experiment_dir), " belongs to round ",
                  state.round, ", not round ", round);
    backbone.load_segmentation_parameters(state.tensors.at(io::kParamsGroup));
    std::map<std::string, io::TensorList> groups = state.tensors;
    groups.erase(io::kParamsGroup);
    groups.erase("best");
    backbone.load_training_state(groups);
    backbone.load_rng_state(state.rng);
    start = state.iteration;
    backbone.set_progress(start);
    progress.best_dice = state.best_dice;
    SEMISAM_CHECK(state.info.count("best_iteration"), latest_state_path(ctx.experiment_dir),
                  " lacks its 'best_iteration' entry: not a state this program wrote");
    progress.best_iteration = std::stoll(state.info.at("best_iteration"));
    if (state.info.count("best_class_dice"))
      progress.best_class_dice =
          nlohmann::json::parse(state.info.at("best_class_dice")).get<std::vector<double>>();
    if (state.tensors.count("best")) best = state.tensors.at("best");
    ctx.log.line("round %lld: resumed at iteration %lld/%lld (best validation Dice %.4f at %lld)",
                 (long long)round, (long long)start, (long long)config.max_iterations,
                 progress.best_dice, (long long)progress.best_iteration);
  }
  const BatchSchedule schedule(int64_t(set.labelled.size()), int64_t(set.unlabelled.size()),
                               config.labeled_bs, config.batch_size - config.labeled_bs,
                               round_seed(config.seed, round) ^ kAugmentSalt);
  const uint64_t augment_seed = round_seed(config.seed, round) ^ (kAugmentSalt << 1);
  const std::string prefix = ctx.experiment_dir + "/round" + std::to_string(round);  // 1-based
  const double started = ctx.log.elapsed_seconds();
  for (int64_t i = start; i < config.max_iterations; ++i) {
    if (iteration_budget == 0) {
      stop_round(ctx, round, i, backbone, progress, best, "--stop_after");
      return progress;
    }
    Batch batch = assemble_batch(set, schedule, config, augment_seed, i, ctx.device);
    StepReport report = backbone.step(batch.images, batch.labels, i);
    if (iteration_budget > 0) --iteration_budget;
    io::fault_point("iteration");
    const int64_t done = i + 1;
    // Rows on a fixed schedule (the round's first and last iterations, every log_interval), so a
    // resumed run records exactly the rows of an uninterrupted one; the person watching also
    // gets a line at the first iteration after a resume.
    const bool on_schedule = done % config.log_interval == 0 || done == config.max_iterations || i == 0;
    if (on_schedule || i == start) {
      std::string terms;
      nlohmann::json losses = nlohmann::json::object();
      for (const auto& [name, value] : report.terms) {
        const double number = ops::item(value);  // a host sync: only on logged iterations
        SEMISAM_CHECK(std::isfinite(number), "round ", round, " iteration ", done, ": the ",
                      name, " loss is not finite (", number, ")");
        char item[64];
        std::snprintf(item, sizeof item, " %s %.4f", name.c_str(), number);
        terms += item;
        losses[name] = number;
      }
      // The rate of this invocation (validations included); the ETA counts the iterations left
      // in this round and the rounds after it, not the refinement between rounds.
      const double rate = double(done - start) / std::max(1e-9, ctx.log.elapsed_seconds() - started);
      const int64_t left_round = config.max_iterations - done;
      const int64_t left_run = left_round + (config.num_rounds - round) * config.max_iterations;
      const double eta_round = double(left_round) / rate, eta_run = double(left_run) / rate;
      ctx.log.line("round %lld/%lld iter %lld/%lld:%s | w_c %.4f w_p %.3f lr %.5f | %.2f it/s | "
                   "ETA %s round, %s run",
                   (long long)round, (long long)config.num_rounds, (long long)done,
                   (long long)config.max_iterations, terms.c_str(), report.consistency_weight,
                   report.pseudo_weight, report.lr, rate, duration_text(eta_round).c_str(),
                   duration_text(eta_run).c_str());
      if (on_schedule)
        ctx.record.append({{"type", "iteration"}, {"round", round}, {"iteration", done},
                         {"losses", losses}, {"consistency_weight", report.consistency_weight},
                         {"pseudo_weight", report.pseudo_weight}, {"lr", report.lr},
                         {"it_per_s", rate}, {"eta_round_s", eta_round}, {"eta_run_s", eta_run},
                         {"elapsed_s", ctx.log.elapsed_seconds()}});
    }
    if (done % config.val_interval == 0) {
      const ValidationScore score = validation_score(backbone, set, config, ctx.device);
      const bool improved = score.mean > progress.best_dice;
      ctx.log.line("round %lld iter %lld: validation Dice %.4f (%s)%s", (long long)round,
                   (long long)done, score.mean, class_dice_text(score.class_dice).c_str(),
                   improved ? " (best so far)" : "");
      if (improved) {
        progress.best_dice = score.mean;
        progress.best_iteration = done;
        progress.best_class_dice = score.class_dice;
        best = clone_list(backbone.segmentation_parameters());
        write_segmentation_checkpoint(
            prefix + "_iter" + std::to_string(done) + "_dice" + dice_text(score.mean) + ".h5",
            backbone, config, round, done, score.mean, ctx.command_line);
        write_segmentation_checkpoint(prefix + "_best.h5", backbone, config, round, done,
                                      score.mean, ctx.command_line);
      }
      ctx.record.append({{"type", "validation"}, {"round", round}, {"iteration", done},
                         {"dice", score.class_dice}, {"mean_dice", score.mean},
                         {"best", improved}, {"elapsed_s", ctx.log.elapsed_seconds()}});
    }
    if (done % config.save_interval == 0)
      write_segmentation_checkpoint(prefix + "_iter" + std::to_string(done) + ".h5", backbone,
                                    config, round, done, progress.best_dice, ctx.command_line);
    // The state is saved last, once this iteration's files exist, so a crash never resumes past
    // a file it did not write. The last iteration's state is the end-of-round one below: a state
    // at max_iterations always holds the round's best weights.
    if (done % config.val_interval == 0 && done < config.max_iterations)
      save_latest(ctx, round, done, backbone, progress, best);
    if (done % config.val_interval == 0 && ctx.after_validation) ctx.after_validation();
    if (done < config.max_iterations) {
      if (const int signal = pending_interrupt()) {
        progress.interrupted_by = signal;
        stop_round(ctx, round, done, backbone, progress, best, signal_name(signal));
        return progress;
      }
    }
  }
  if (!best.empty()) {
    backbone.load_segmentation_parameters(best);
    ctx.log.line("round %lld done: best validation Dice %.4f at iteration %lld (weights restored)",
                 (long long)round, progress.best_dice, (long long)progress.best_iteration);
  } else {
    // The reference would fail to load a best model that was never written; keeping the last
    // weights lets the run go on, and the log says so.
    write_segmentation_checkpoint(prefix + "_best.h5", backbone, config, round,
                                  config.max_iterations, 0.0, ctx.command_line);
    ctx.log.line("round %lld done: WARNING no validation beat Dice 0; keeping the last weights",
                 (long long)round);
  }
  progress.finished = true;
  save_latest(ctx, round, config.max_iterations, backbone, progress, best);
  ctx.record.append({{"type", "round_end"}, {"round", round}, {"iteration", config.max_iterations},
                     {"best_dice", progress.best_dice}, {"best_iteration", progress.best_iteration},
                     {"best_class_dice", progress.best_class_dice},
                     {"elapsed_s", ctx.log.elapsed_seconds()}});
  return progress;
}

}  // namespace semisam::ssl
