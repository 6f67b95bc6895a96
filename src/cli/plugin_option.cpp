// The --plugin option and the user-kernel limits (plugin_option.hpp).
#include "cli/plugin_option.hpp"

#include <iostream>

#include "kernels/kernel.hpp"
#include "platform/errors.hpp"
#include "userkernels/child.hpp"
#include "userkernels/plugin.hpp"

namespace cachescope::cli {

std::shared_ptr<PluginArgs> addPluginOptions(CLI::App* app) {
  auto a = std::make_shared<PluginArgs>();
  app->add_option("--plugin", a->files,
                  "Your own kernel: FILE.cpp (built first, see 'kernel build') or FILE.so; its id is user.NAME. "
                  "Repeatable");
  app->add_option("--time-limit", a->timeLimitS,
                  "Seconds a user kernel may take for one run or one verification size before it is killed "
                  "(default 10)");
  app->add_option("--memory-limit", a->memoryLimitMiB,
                  "MiB of address space a user kernel's process may add (default 4096)");
  return a;
}

void loadPlugins(const PluginArgs& a) {
  if (!(a.timeLimitS > 0 && a.timeLimitS <= 3600)) throw UsageError("--time-limit must be in (0, 3600] seconds");
  if (!(a.memoryLimitMiB >= 16 && a.memoryLimitMiB <= 1 << 20))
    throw UsageError("--memory-limit must be in 16..1048576 MiB");
  userkernels::limits().seconds = a.timeLimitS;
  userkernels::limits().memoryBytes = a.memoryLimitMiB * 1024.0 * 1024.0;
  for (const std::string& file : a.files) {
    userkernels::LoadedKernel k;
    try {
      k = userkernels::loadPlugin(file);
    } catch (const userkernels::BuildError& e) {
      std::cerr << e.output;
      throw;
    }
    if (k.build && !k.build->cached) {
      std::cerr << "kernel: compiled: " << k.build->command << '\n' << k.build->compilerOutput;
    }
    std::cerr << "kernel: loaded " << k.kernel->info.id << " (" << toString(k.kernel->info.family) << ", "
              << (k.traced ? "traced" : "untraced: a plain function") << ") from " << k.object << '\n';
  }
}

}  // namespace cachescope::cli
