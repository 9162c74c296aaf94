// Entry point of the `semisam` command-line program: dispatches to the registered subcommands and
// turns library errors into a message and a non-zero exit status.
#include <algorithm>
#include <iostream>
#include <map>

#include "command_registry.h"
#include "tensor/error.h"

namespace semisam::tools {
std::vector<Command>& command_registry() {
  static std::vector<Command> commands;
  return commands;
}
std::string& invocation() {
  static std::string text;
  return text;
}
}  // namespace semisam::tools

int main(int argc, char** argv) {
  using namespace semisam::tools;
  CLI::App app{"semisam: SemiSAM-O1 semi-supervised 3-D segmentation from one labelled volume"};
  app.require_subcommand(1);
  app.footer("Exit status: 0 done, 1 error (bad flags included), 3 training stopped by SIGINT or "
             "SIGTERM with its state saved (continue with --resume).");
  auto& commands = command_registry();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    runners[sub] = command.setup(*sub);
  }
  for (int i = 0; i < argc; ++i) invocation() += (i ? " " : "") + std::string(argv[i]);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the help (status 0) or the message; every flag error is status 1, as the
    // README documents, rather than CLI11's own 105-109.
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    for (auto& [sub, run] : runners)
      if (sub->parsed()) return run();
  } catch (const std::exception& e) {
    std::cerr << "semisam: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
