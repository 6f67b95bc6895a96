// Ranking the entries of a competition and writing the ranking as a table, CSV
// or JSON (`leaderboard show`, the GUI's Leaderboard view). Only verified,
// timed entries are ranked; the others are listed after them without a rank.
// Entries from one host are ranked by rate; entries from several hosts by %
// of each host's own OpenBLAS (measured in the same submit run), and the
// ranking says so.
#pragma once

#include <string>
#include <vector>

#include "leaderboard/submission.hpp"

namespace cachescope::leaderboard {

enum class RankBy { Rate, PercentOfLibrary };

struct RankedEntry {
  int rank = 0;          // 1.., 0 for an entry that is not ranked (unverified)
  Submission entry;
};

struct Ranking {
  std::string competition;
  Protocol protocol;     // of the first entry (all entries of a competition share it)
  int hosts = 0;         // distinct host keys among ranked entries
  RankBy by = RankBy::Rate;
  std::vector<RankedEntry> rows;  // ranked first, best first; then unranked by date
  // "ranked by rate (one host)" / "ranked by % of each host's OpenBLAS (3 hosts)".
  std::string rankedByText() const;
};

// One Ranking per competition (and protocol: an edited competition file with
// the same id starts a ranking of its own) among `entries`, in order of first
// appearance.
std::vector<Ranking> rankEntries(const std::vector<Submission>& entries);

// "Intel Xeon ... (2 cores, avx512)": how a table names an entry's host.
std::string hostText(const HostSummary& h);

std::string rankingTable(const std::vector<Ranking>& rankings);
std::string rankingCsv(const std::vector<Ranking>& rankings);
std::string rankingJson(const std::vector<Ranking>& rankings);

}  // namespace cachescope::leaderboard
