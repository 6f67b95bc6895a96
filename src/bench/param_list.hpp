// Parameter lists as the command line and scenario files write them:
//   "64,128,256"      a comma list
//   "64:1024:x2"      start:stop:*factor  -> 64 128 256 512 1024
//   "32:256:+32"      start:stop:+step    -> 32 64 ... 256
//   "0.1:1:+0.3"      the same for densities (stop included within rounding)
// Items of a comma list may themselves be ranges. Throws UsageError with a
// one-line message on anything else.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace cachescope {

// Bad input from a user: the CLI turns it into exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<int> parseIntList(const std::string& text, const std::string& what);
std::vector<double> parseDoubleList(const std::string& text, const std::string& what);

}  // namespace cachescope
