// Runs the `cachescope` command line in-process with captured streams, as a
// script would see it: exit code, stdout, stderr.
#pragma once

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/command.hpp"

namespace cachescope::test {

struct CliResult {
  int code = 0;
  std::string out, err;
};

inline CliResult runCli(std::vector<std::string> args, const std::vector<cli::AddCommand>& extra = {}) {
  args.insert(args.begin(), "cachescope");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  int code = cachescope::cli::runCommandLine(int(argv.size()), argv.data(), extra);
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  return {code, out.str(), err.str()};
}

// A usage error as every command must give it: exit 2, exactly one line on
// stderr starting "cachescope: error: " and containing `needle`, nothing on
// stdout.
inline void requireUsageError(std::vector<std::string> args, const std::string& needle) {
  const CliResult r = runCli(std::move(args));
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("cachescope: error: ", 0) == 0);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
}

}  // namespace cachescope::test
