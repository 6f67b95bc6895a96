// Typed errors of the trace module: input errors (platform/errors.hpp), so
// every face maps them to exit code 2 and the GUI shows the message.
#pragma once

#include <cstdint>
#include <string>

#include "platform/errors.hpp"

namespace cachescope::trace {

// A request that cannot run: unknown or untraceable kernel, bad parameter,
// unreadable trace file.
struct SimulationError : InputError {
  using InputError::InputError;
};

// A malformed trace line; the message names the line number.
struct TraceError : SimulationError {
  TraceError(std::uint64_t line, const std::string& what)
      : SimulationError("trace line " + std::to_string(line) + ": " + what), lineNumber(line) {}
  std::uint64_t lineNumber;
};

}  // namespace cachescope::trace
