#include <iostream>

#include "bench/kernel_list_report.hpp"
#include "cli/command.hpp"
#include "cli/plugin_option.hpp"

namespace cachescope::cli {

namespace {

int runList(const std::string& format) {
  std::cout << (format == "json" ? kernelListJsonText() : kernelListTable());
  return 0;
}

}  // namespace

void addListCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("list", "List the kernels: id, title, parameters, unit, traceable");
  auto format = std::make_shared<std::string>("table");
  app->add_option("--format", *format, "table | json")->check(CLI::IsMember({"table", "json"}));
  auto plugins = addPluginOptions(app);
  commands.push_back({app, [format, plugins] {
                        loadPlugins(*plugins);
                        return runList(*format);
                      }});
}

}  // namespace cachescope::cli
