// Typed errors of the trace module. The CLI maps both to exit code 2 with a
// one-line message; the GUI shows the message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cachescope::trace {

// A request that cannot run: unknown or untraceable kernel, bad parameter,
// unreadable trace file.
struct SimulationError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A malformed trace line; the message names the line number.
struct TraceError : SimulationError {
  TraceError(std::uint64_t line, const std::string& what)
      : SimulationError("trace line " + std::to_string(line) + ": " + what), lineNumber(line) {}
  std::uint64_t lineNumber;
};

}  // namespace cachescope::trace
