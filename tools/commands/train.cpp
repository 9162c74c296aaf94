// `semisam train`: the whole SemiSAM-O1 training run (SPEC §3–§6) with the reference's flags.
#include <memory>

#include "../command_registry.h"
#include "ssl/run/interrupt.h"
#include "ssl/run/train_settings.h"
#include "ssl/run/training_run.h"
#include "train_flags.h"

namespace semisam::tools {
namespace {

RegisterCommand train_command{
    {"train", "Train SemiSAM-O1: prototype pseudo-labels, then rounds of MT/UA-MT/DAN/DTC",
     [](CLI::App& sub) -> std::function<int()> {
       auto flags = std::make_shared<TrainFlags>();
       add_train_flags(sub, *flags);
       return [flags, &sub] {
         ssl::TrainConfig config = finish_train_flags(*flags);
         // --resume alone: the stored settings, with only the flags typed now checked against them.
         if (config.resume) config = ssl::settings_for_resume(config, given_flag_names(sub));
         ssl::InterruptGuard interrupts;  // Ctrl-C / SIGTERM: save the state, then stop
         const ssl::TrainingOutcome outcome = ssl::run_training(config, invocation());
         // A stop asked for with --stop_after is a success: the run resumes.
         return outcome.interrupted_by ? kExitInterrupted : 0;
       };
     }}};

}  // namespace
}  // namespace semisam::tools
