// The iteration loop of one round: batches, steps, progress lines, validation, checkpoints, the
// resumable state, and the restore of the round's best weights.
#include "ssl/round_trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "eval/class_metrics.h"
#include "io/checkpoint.h"
#include "kernels/copy.h"
#include "ssl/segmentation_checkpoint.h"

namespace semisam::ssl {
namespace {

// Decorrelates the per-round seeds of the networks and of the augmentation from the run seed.
constexpr uint64_t kRoundSeedStep = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kAugmentSalt = 0xd1b54a32d192ed03ull;

uint64_t round_seed(uint64_t seed, int64_t round) {
  return seed + kRoundSeedStep * static_cast<uint64_t>(round);
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
  ckpt.info["segmentation_architecture"] = backbone.architecture();
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

}  // namespace

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

double validation_dice(Backbone& backbone, const TrainingSet& set, const TrainConfig& config,
                       Device device) {
  const SlidingWindowOptions window = window_options(config, config.val_stride, device);
  const PatchPredictor predictor = backbone_predictor(backbone);
  double sum = 0.0;
  int64_t count = 0;
  for (const io::Case& c : set.validation) {
    SlidingWindowResult result = sliding_window_predict(c.image, predictor, window);
    for (double dice : eval::class_dice(result.label, c.label, int(config.num_classes),
                                        eval::EmptyMaskPolicy::Validation)) {
      sum += dice;
      ++count;
    }
  }
  return count > 0 ? sum / double(count) : 0.0;
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
    if (state.tensors.count("best")) best = state.tensors.at("best");
    ctx.log.line("round %lld: resumed at iteration %lld/%lld (best validation Dice %.4f at %lld)",
                 (long long)round, (long long)start, (long long)config.max_iterations,
                 progress.best_dice, (long long)progress.best_iteration);
  }
  const BatchSchedule schedule(int64_t(set.labelled.size()), int64_t(set.unlabelled.size()),
                               config.labeled_bs, config.batch_size - config.labeled_bs,
                               round_seed(config.seed, round) ^ kAugmentSalt);
  const uint64_t augment_seed = round_seed(config.seed, round) ^ (kAugmentSalt << 1);
  const std::string prefix = ctx.experiment_dir + "/round" + std::to_string(round);
  const double started = ctx.log.elapsed_seconds();
  for (int64_t i = start; i < config.max_iterations; ++i) {
    if (iteration_budget == 0) {
      save_latest(ctx, round, i, backbone, progress, best);
      ctx.log.line("round %lld: stopped after iteration %lld as asked (--stop_after); resume with "
                   "--resume", (long long)round, (long long)i);
      return progress;
    }
    Batch batch = assemble_batch(set, schedule, config, augment_seed, i, ctx.device);
    StepReport report = backbone.step(batch.images, batch.labels, i);
    if (iteration_budget > 0) --iteration_budget;
    const int64_t done = i + 1;
    if (done % config.log_interval == 0 || done == config.max_iterations || i == start) {
      std::string terms;
      for (const auto& [name, value] : report.terms) {
        const double number = ops::item(value);  // a host sync: only on logged iterations
        SEMISAM_CHECK(std::isfinite(number), "round ", round, " iteration ", done, ": the ",
                      name, " loss is not finite (", number, ")");
        char item[64];
        std::snprintf(item, sizeof item, " %s %.4f", name.c_str(), number);
        terms += item;
      }
      const double rate = double(done - start) / std::max(1e-9, ctx.log.elapsed_seconds() - started);
      ctx.log.line("round %lld iter %lld/%lld:%s | w_c %.4f w_p %.3f lr %.5f | %.2f it/s",
                   (long long)round, (long long)done, (long long)config.max_iterations,
                   terms.c_str(), report.consistency_weight, report.pseudo_weight, report.lr, rate);
    }
    if (done % config.val_interval == 0) {
      const double dice = validation_dice(backbone, set, config, ctx.device);
      const bool improved = dice > progress.best_dice;
      ctx.log.line("round %lld iter %lld: validation Dice %.4f%s", (long long)round,
                   (long long)done, dice, improved ? " (best so far)" : "");
      if (improved) {
        progress.best_dice = dice;
        progress.best_iteration = done;
        best = clone_list(backbone.segmentation_parameters());
        write_segmentation_checkpoint(
            prefix + "_iter" + std::to_string(done) + "_dice" + dice_text(dice) + ".h5", backbone,
            config, round, done, dice, ctx.command_line);
        write_segmentation_checkpoint(prefix + "_best.h5", backbone, config, round, done, dice,
                                      ctx.command_line);
      }
    }
    if (done % config.save_interval == 0)
      write_segmentation_checkpoint(prefix + "_iter" + std::to_string(done) + ".h5", backbone,
                                    config, round, done, progress.best_dice, ctx.command_line);
    // The state is saved last, once this iteration's files exist, so a crash never resumes past
    // a file it did not write. The last iteration's state is the end-of-round one below: a state
    // at max_iterations always holds the round's best weights.
    if (done % config.val_interval == 0 && done < config.max_iterations)
      save_latest(ctx, round, done, backbone, progress, best);
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
  return progress;
}

}  // namespace semisam::ssl
