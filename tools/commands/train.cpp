// `semisam train`: the whole SemiSAM-O1 training run (SPEC §3–§6) with the reference's flags.
#include <memory>

#include "../command_registry.h"
#include "ssl/training_run.h"
#include "train_flags.h"

namespace semisam::tools {
namespace {

RegisterCommand train_command{
    {"train", "Train SemiSAM-O1: prototype pseudo-labels, then rounds of MT/UA-MT/DAN/DTC",
     [](CLI::App& sub) -> std::function<int()> {
       auto flags = std::make_shared<TrainFlags>();
       add_train_flags(sub, *flags);
       return [flags] {
         ssl::run_training(finish_train_flags(*flags), invocation());
         return 0;  // a stop asked for with --stop_after is a success too: the run resumes
       };
     }}};

}  // namespace
}  // namespace semisam::tools
