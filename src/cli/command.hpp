// Subcommands of `cachescope`. Each command file adds its CLI11 subcommand and
// the action to run when it was chosen. Actions return the exit code:
// 0 ok, 2 bad usage or input, 1 runtime failure (shared/design.md section 4).
// They may throw UsageError / FileError (exit 2) for bad input.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace cachescope::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

using Commands = std::vector<Command>;

void addListCommand(CLI::App& root, Commands& commands);
void addBenchCommand(CLI::App& root, Commands& commands);
void addRooflineCommand(CLI::App& root, Commands& commands);
void addSimulateCommand(CLI::App& root, Commands& commands);
// [SECTION] further commands (simulate, roofline, gui) register here
#ifdef CACHESCOPE_HAVE_GUI
void addGuiCommand(CLI::App& root, Commands& commands);
#endif

// Builds the whole command line and runs it: the testable body of main().
int runCommandLine(int argc, const char* const* argv);

// One-line error on stderr: "cachescope: error: <message>".
void printError(const std::string& message);

}  // namespace cachescope::cli
