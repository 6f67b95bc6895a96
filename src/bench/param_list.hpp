// Parameter lists as the command line and scenario files write them:
//   "64,128,256"      a comma list
//   "64:1024:x2"      start:stop:*factor  -> 64 128 256 512 1024
//   "32:256:+32"      start:stop:+step    -> 32 64 ... 256
//   "0.1:1:+0.3"      the same for densities (stop included within rounding)
// Items of a comma list may themselves be ranges. A list holds at most
// kMaxListValues values (a range's length is checked before it is expanded).
// Throws UsageError with a one-line message on anything else.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "platform/errors.hpp"

namespace cachescope {

// More values than this in one list is a typo (1:10000:+1 for 1:10000:x2),
// not a sweep anyone can wait for; the sweep's job count has its own bound.
inline constexpr std::size_t kMaxListValues = 10000;

// "a,,b" -> {"a", "b"}:
// the comma-separated id lists of --kernels and --set kernels=. Spaces around
// an id are dropped ("a, b" is "a,b") and so are empty items; the ids are not
// checked here.
std::vector<std::string> splitIdList(const std::string& text);

std::vector<int> parseIntList(const std::string& text, const std::string& what);
std::vector<double> parseDoubleList(const std::string& text, const std::string& what);

}  // namespace cachescope
