// The flags of `semisam train` (SPEC §8's names and defaults, plus this implementation's own),
// shared with `semisam demo`, which sets other defaults before parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

#include "ssl/run/train_config.h"

namespace semisam::tools {

struct TrainFlags {
  ssl::TrainConfig config;
  std::vector<int64_t> patch_size;  // parsed into config.patch_size
  int deterministic = 1;            // accepted for the reference's command lines: always on here
};

// Registers every flag on `sub`, bound to `flags` (whose current values are the defaults shown).
void add_train_flags(CLI::App& sub, TrainFlags& flags);
// Copies the parsed patch size into the config.
ssl::TrainConfig finish_train_flags(const TrainFlags& flags);

// The names (without dashes) of the options typed on `sub`'s command line.
std::set<std::string> given_flag_names(const CLI::App& sub);

}  // namespace semisam::tools
