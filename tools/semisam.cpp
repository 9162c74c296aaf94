// Entry point of the `semisam` command-line program: dispatches to the registered subcommands and
// turns library errors into a message and a non-zero exit status.
#include <algorithm>
#include <iostream>
#include <map>

#include "command_registry.h"
#include "semisam_version.h"
#include "tensor/device.h"
#include "kernels/cpu_backend.h"
#include "tensor/error.h"
#include "tensor/parallel.h"

namespace semisam::tools {
std::vector<Command>& command_registry() {
  static std::vector<Command> commands;
  return commands;
}
std::string& invocation() {
  static std::string text;
  return text;
}

// `semisam --version`: what was built, from which commit, with which backends.
std::string version_text() {
  std::string backends = "cpu";
  std::string cpu_libs;
  if (semisam::ops::onednn_compiled()) cpu_libs += "oneDNN";
  if (semisam::ops::openblas_compiled()) cpu_libs += std::string(cpu_libs.empty() ? "" : ", ") + "OpenBLAS";
  backends += " (" + (cpu_libs.empty() ? std::string("reference loops only") : cpu_libs) + ")";
  if (semisam::cuda_compiled()) backends += ", cuda (cuBLAS, cuDNN)";
  return std::string("semisam ") + SEMISAM_VERSION + "\ncommit " + SEMISAM_GIT_COMMIT +
         "\nbackends: " + backends;
}
}  // namespace semisam::tools

int main(int argc, char** argv) {
  using namespace semisam::tools;
  CLI::App app{"semisam: SemiSAM-O1 semi-supervised 3-D segmentation from one labelled volume"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());
  app.footer("Exit status: 0 done, 1 error (bad data, missing files, a full disk), 2 usage (an "
             "unknown or malformed flag, flags that exclude each other), 3 training stopped by "
             "SIGINT or SIGTERM with its state saved (continue with --resume), or predict skipped "
             "a bad case (the log names it).");
  auto& commands = command_registry();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  std::map<CLI::App*, std::function<int()>> runners;
  int threads = 0;  // 0: every core this process may use
  for (auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    runners[sub] = command.setup(*sub);
    sub->add_option("--threads", threads,
                    "CPU threads for every op (default: the cores this process may use, as "
                    "taskset and container limits allow; results do not depend on it)")
        ->check(CLI::PositiveNumber);
  }
  for (int i = 0; i < argc; ++i) invocation() += (i ? " " : "") + std::string(argv[i]);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the help (status 0) or the message; every flag error is the documented
    // usage status rather than CLI11's own 105-109.
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  try {
    // Without --threads the default stands: SEMISAM_THREADS, else the cores available.
    if (threads > 0) semisam::set_cpu_threads(threads);
    for (auto& [sub, run] : runners)
      if (sub->parsed()) return run();
  } catch (const UsageError& e) {
    std::cerr << "semisam: usage error: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "semisam: error: " << e.what() << "\n";
    return kExitError;
  }
  return 0;
}
