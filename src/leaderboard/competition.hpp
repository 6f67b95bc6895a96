// A competition: the fixed protocol (n, threads, reps, warmup) every
// submission of it is measured with, read from a JSON file
// (assets/competitions/*.json, README there). The protocol is recorded with
// each entry, so a ranking never mixes entries measured differently.
#pragma once

#include <string>
#include <vector>

#include "platform/errors.hpp"

namespace cachescope::leaderboard {

// A competition file that cannot be used: one line naming the file and the
// field (exit 2).
struct CompetitionError : InputError {
  using InputError::InputError;
};

struct Protocol {
  int n = 512;
  int threads = 1;
  int reps = 5;
  int warmup = 1;
  bool operator==(const Protocol&) const = default;
};

struct Competition {
  std::string id = "default";
  std::string title;
  Protocol protocol;
};

// Parses a competition document; `source` names it in messages ("FILE.json").
// Throws CompetitionError for bad JSON, an unknown field, a missing or
// mistyped field or a value out of range.
Competition parseCompetition(const std::string& text, const std::string& source);

// Reads and parses a file (CompetitionError when it cannot be read).
Competition loadCompetition(const std::string& path);

// The shipped assets/competitions/default.json: $CACHESCOPE_ASSETS, an assets
// folder next to or above the binary, the source tree's. Throws
// CompetitionError when none is found.
std::string defaultCompetitionPath();

// "n=512 threads=1 reps=5 warmup=1".
std::string protocolText(const Protocol& p);

}  // namespace cachescope::leaderboard
