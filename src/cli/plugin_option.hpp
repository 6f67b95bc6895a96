// `--plugin FILE.so|FILE.cpp` (repeatable) and the limits of user kernels
// (`--time-limit S`, `--memory-limit MIB`), shared by the commands that run
// kernels (bench, simulate, list, gui): a plugin is built if it is a source,
// loaded into the registry as user.NAME (userkernels/plugin.hpp), and named
// on stderr before the command runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace cachescope::cli {

struct PluginArgs {
  std::vector<std::string> files;
  double timeLimitS = 10;
  double memoryLimitMiB = 4096;
};

std::shared_ptr<PluginArgs> addPluginOptions(CLI::App* app);

// Checks the limits, builds and loads every plugin (UserKernelError: exit 2;
// a build error prints the compiler's messages first).
void loadPlugins(const PluginArgs& args);

}  // namespace cachescope::cli
