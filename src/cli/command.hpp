// Subcommands of `cachescope`. Each command file adds its CLI11 subcommand and
// the action to run when it was chosen. Actions return the exit code:
// 0 ok, 2 bad usage or input, 1 runtime failure (shared/design.md section 4).
// They may throw any InputError (exit 2: UsageError, FileError, a module's
// own input errors) or RunFailure (exit 1); runCommandLine maps them, so a
// command never re-wraps a core error (platform/errors.hpp).
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
void addProbeCommand(CLI::App& root, Commands& commands);
void addLeaderboardCommand(CLI::App& root, Commands& commands);
void addKernelCommand(CLI::App& root, Commands& commands);
void addLectureCommand(CLI::App& root, Commands& commands);  // lecture_command.cpp
void addTuneCommand(CLI::App& root, Commands& commands);     // tune_command.cpp
// [SECTION] further commands register here

// A command the executable adds to the core ones (the desktop app's `gui`,
// which the CLI core cannot link).
using AddCommand = void (*)(CLI::App& root, Commands& commands);

// Builds the whole command line and runs it: the testable body of main().
// When one of `extra` registers a command named "gui", options without a
// command go to it.
int runCommandLine(int argc, const char* const* argv, const std::vector<AddCommand>& extra = {});

// One-line error on stderr: "cachescope: error: <message>".
void printError(const std::string& message);

}  // namespace cachescope::cli
