// Subcommands of the `semisam` program register themselves here from tools/commands/*.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <sstream>
#include <stdexcept>
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

// Exit statuses of the program (README): 0 done, kExitError when the work failed (bad data, a
// missing file, a full disk), kExitUsage when the command line is wrong (an unknown or malformed
// flag, flags that exclude each other), kExitInterrupted when SIGINT or SIGTERM stopped a training
// run after saving its state (and when `predict` skipped a case it could not read).
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 3;

// A command line the command cannot run with, found after parsing (flags that exclude each other,
// a missing one of two): reported like a parse error, with kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Parts>
void require_usage(bool ok, const Parts&... parts) {
  if (ok) return;
  std::ostringstream text;
  (text << ... << parts);
  throw UsageError(text.str());
}

// The whole command line as typed (program and arguments), for logs and checkpoints.
std::string& invocation();

struct RegisterCommand {
  explicit RegisterCommand(Command command) { command_registry().push_back(std::move(command)); }
};

}  // namespace semisam::tools
