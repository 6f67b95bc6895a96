// Checks on a command's output paths that need all of them at once, run
// before any work: two outputs naming one file would have the second write
// replace the first, so the result the user asked for would be lost.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cachescope::cli {

// Pairs of (option, path); empty paths are outputs not asked for. Throws
// UsageError (exit 2) when two name the same file, however spelled.
void requireDistinctOutputs(const std::vector<std::pair<std::string, std::string>>& outputs);

}  // namespace cachescope::cli
