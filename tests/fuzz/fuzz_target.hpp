// What every fuzz target of tests/fuzz shares: the libFuzzer entry point it
// defines, and the one rule it checks. A parser may accept its input or
// refuse it with the documented InputError (a one-line message); anything
// else (another exception, a message of several lines, a crash, a sanitizer
// report) is a failure, and fail() ends the process so that the driver
// (fuzz_driver.cpp) or libFuzzer keeps the input that did it.
//
// [SECTION] entry point
// [SECTION] the rule
// [SECTION] helpers
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "platform/errors.hpp"

// [SECTION] entry point
// Defined once by each target (tests/fuzz/*_fuzz.cpp). Returns 0.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace cachescope::fuzz {

// [SECTION] the rule
// Prints "fuzz failure: WHAT" to stderr and aborts.
[[noreturn]] void fail(const std::string& what);

// Whether `input` can itself put a line break into a message that quotes
// it: a raw one, or a JSON escape that decodes to one.
inline bool canQuoteLineBreak(std::string_view input) {
  return input.find('\n') != std::string_view::npos || input.find("\\n") != std::string_view::npos ||
         input.find("\\u") != std::string_view::npos;
}

// Runs `parse` on `input`; an InputError with a non-empty message of one line
// (unless it quotes a line break of the input) is a normal outcome (returns
// false), success returns true, anything else fails.
template <class F>
bool acceptsOrRefuses(const char* parser, std::string_view input, F&& parse) {
  try {
    parse();
    return true;
  } catch (const InputError& e) {
    const std::string_view m = e.what();
    if (m.empty()) fail(std::string(parser) + ": InputError with an empty message");
    if (m.find('\n') != std::string_view::npos && !canQuoteLineBreak(input))
      fail(std::string(parser) + ": InputError message is not one line: " + std::string(m));
    return false;
  } catch (const std::exception& e) {
    fail(std::string(parser) + ": not an InputError: " + e.what());
  } catch (...) {
    fail(std::string(parser) + ": threw something that is not a std::exception");
  }
}

// Checks an invariant of an accepted input.
inline void require(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// [SECTION] helpers
// The input as a file (for parsers that take a path): one file per process
// and target, rewritten for each input, removed at exit.
const std::string& writeInputFile(const std::uint8_t* data, std::size_t size, const char* suffix);

inline std::string asString(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace cachescope::fuzz
