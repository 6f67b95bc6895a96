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

// --- unreliable numbers ---------------------------------------------------
// A record is flagged unreliable (BenchRecord::unreliable) when any of:
//   - its relative spread (max - min) / median exceeds kUnreliableSpread
//     (at least kUnreliableMinReps repetitions);
//   - the 1-minute load average when the run started was at least the cores;
//   - the hypervisor stole more than kUnreliableSteal of the CPU time while
//     it ran (the steal column of /proc/stat, sampled before and after).
// Nothing is pinned: the flag says when the machine made the number shaky.
inline constexpr double kUnreliableSpread = 0.10;
inline constexpr int kUnreliableMinReps = 3;
inline constexpr double kUnreliableSteal = 0.05;

// (max - min) / median of the times; nullopt below two times or a median <= 0.
std::optional<double> relativeSpread(const std::vector<double>& timesS);

// Jiffies summed over the "cpu " line of /proc/stat, and those stolen.
struct CpuTimes {
  unsigned long long total = 0, steal = 0;
};
// Parses the text of /proc/stat (its first "cpu " line); nullopt when absent.
std::optional<CpuTimes> parseCpuTimes(const std::string& procStatText);
std::optional<CpuTimes> readCpuTimes(const std::string& path = "/proc/stat");
// Share of the CPU time between two samples that was stolen; nullopt when
// either is missing or no time passed.
std::optional<double> stealShare(const std::optional<CpuTimes>& before, const std::optional<CpuTimes>& after);

// "spread 23% > 10%; load 2.40 >= 2 cores; steal 7% > 5%", or "" when
// reliable.
std::string unreliableReason(const std::vector<double>& timesS, std::optional<double> load1, int cores,
                             std::optional<double> steal);

// "block 1000 is wider than n = 64: ran with block 64 (a tile is at most n x n)".
std::string clampedBlockWarning(int requested, int used, int n);

}  // namespace cachescope
