// The warnings a benchmark record carries (BenchRecord::warnings), each one
// line with the rule that raised it, so that a number that should not be
// trusted says so beside itself, in every face:
//   - spread: the slowest repetition took more than kSpreadLimit times the
//     fastest (max/min; at least two repetitions);
//   - busy machine: the 1-minute load average when the run started was at
//     least the number of logical cores (another program competed for them);
//   - clamped: a parameter was more than the kernel can use (a block wider
//     than n runs as a block of n).
// Pure functions: the runner reads the load and calls them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cachescope {

inline constexpr double kSpreadLimit = 1.5;  // max/min of the repetition times

// "spread: slowest rep 2.31x the fastest (warns above 1.5x): ...", or nothing.
std::optional<std::string> spreadWarning(const std::vector<double>& timesS);

// The 1-minute load average from /proc/loadavg; nullopt where it cannot be read.
std::optional<double> loadAverage1(const std::string& path = "/proc/loadavg");

// "busy machine: load average 2.4 on 2 cores when the run started ...", or nothing.
std::optional<std::string> busyMachineWarning(std::optional<double> load1, int cores);

// "block 1000 is wider than n = 64: ran with block 64 (a tile is at most n x n)".
std::string clampedBlockWarning(int requested, int used, int n);

}  // namespace cachescope
