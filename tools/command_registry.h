// Subcommands of the `semisam` program register themselves here from tools/commands/*.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace semisam::tools {

struct Command {
  std::string name;
  std::string description;
  // Adds the subcommand's options to `sub` and returns the function that runs it.
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

std::vector<Command>& command_registry();

// Exit statuses of the program (README): 0 done, 1 error (bad flags included), and
// kExitInterrupted when SIGINT or SIGTERM stopped a training run after saving its state.
constexpr int kExitInterrupted = 3;

// The whole command line as typed (program and arguments), for logs and checkpoints.
std::string& invocation();

struct RegisterCommand {
  explicit RegisterCommand(Command command) { command_registry().push_back(std::move(command)); }
};

}  // namespace semisam::tools
