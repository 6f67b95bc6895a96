#include <algorithm>
#include <iostream>
#include <new>

#include "cli/command.hpp"
#include "platform/errors.hpp"

namespace cachescope::cli {

void printError(const std::string& message) { std::cerr << "cachescope: error: " << message << '\n'; }

int runCommandLine(int argc, const char* const* argv, const std::vector<AddCommand>& extra) {
  CLI::App root{
      "cachescope: makes cache and parallelism behaviour visible.\n"
      "Runs real matmul/ReLU kernels, times them and simulates the cache hierarchy on their exact\n"
      "access stream. Without a command it opens the desktop app."};
  root.name("cachescope");
  root.require_subcommand(0, 1);
  root.set_version_flag("--version", std::string("cachescope ") + CACHESCOPE_VERSION_STRING);
  Commands commands;
  addListCommand(root, commands);
  addBenchCommand(root, commands);
  addRooflineCommand(root, commands);
  addSimulateCommand(root, commands);
  addProbeCommand(root, commands);
  addLeaderboardCommand(root, commands);
  addKernelCommand(root, commands);
  addLectureCommand(root, commands);
  addTuneCommand(root, commands);
  // [SECTION] further commands register here
  for (AddCommand add : extra) add(root, commands);

  // `gui` is optional (shared/design.md section 4): options without a command,
  // such as `cachescope --theme light`, are the GUI's.
  std::vector<const char*> args(argv, argv + argc);
  const bool hasGui = std::any_of(commands.begin(), commands.end(),
                                  [](const Command& c) { return c.app->get_name() == "gui"; });
  if (hasGui && argc > 1) {
    const std::string first = argv[1];
    if (first.size() > 1 && first[0] == '-' && first != "-h" && first != "--help" && first != "--version")
      args.insert(args.begin() + 1, "gui");
  }

  try {
    root.parse(int(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return root.exit(e);  // --help, --version
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    for (char& c : what)
      if (c == '\n') c = ' ';
    // A subcommand's options are explained by its own --help.
    std::string help = "cachescope --help";
    for (const CLI::App* sub : root.get_subcommands())
      if (sub) help = "cachescope " + sub->get_name() + " --help";
    printError(what + " (see '" + help + "')");
    return 2;
  }

  try {
    for (const Command& c : commands)
      if (c.app->parsed()) return c.run();
    for (const Command& c : commands)  // no command: the GUI, if this build has one
      if (c.app->get_name() == "gui") return c.run();
    std::cerr << root.help() << "\nThis build has no GUI (built with CACHESCOPE_GUI=OFF): use a command above.\n";
    return 2;
  } catch (const InputError& e) {  // every module's bad-input error
    printError(e.what());
    return 2;
  } catch (const RunFailure& e) {
    printError(e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    printError("out of memory");
    return 1;
  } catch (const std::exception& e) {  // not in the vocabulary: a bug, but still one line
    printError(e.what());
    return 1;
  }
}

}  // namespace cachescope::cli
