// Pieces the probe's source files share and nothing outside the module
// uses: the buffer (huge pages where the kernel gives them), the timing
// protocol, sizes, cancellation and the simulator runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cachesim/config.hpp"
#include "probe/probe.hpp"

namespace cachescope::probe::detail {

// A zeroed buffer aligned to 2 MiB; buffers of 2 MiB and more are given
// madvise(MADV_HUGEPAGE), so a random chase over 64 MiB meets about 32 TLB
// entries instead of 16384 (transparent huge pages in "madvise" mode).
class Buffer {
 public:
  explicit Buffer(std::uint64_t bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  char* data() const { return data_; }
  std::uint64_t bytes() const { return bytes_; }
  bool hugePages() const { return huge_; }

 private:
  char* data_ = nullptr;
  std::uint64_t bytes_ = 0;
  bool huge_ = false;
};

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// One timed point of the protocol: `body(count)` does `count` units of work
// (loads, passes); the count is doubled from `startCount` until one call
// takes minRepSeconds, then warmup untimed calls and reps timed calls.
struct Timing {
  double medianS = 0, minS = 0, maxS = 0;
  std::uint64_t count = 0;  // units per rep
};
// `cpuTime`: time with threadCpuSeconds() (platform/cpu_time.hpp; single-threaded probes), else wall time.
Timing timePoint(const Protocol& protocol, std::uint64_t startCount, const std::function<void(std::uint64_t)>& body,
                 const std::atomic<bool>* cancel, bool cpuTime = false);

double medianOf(std::vector<double> v);

// Throws Cancelled when the flag is set.
inline void checkCancel(const std::atomic<bool>* cancel) {
  if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled{};
}
inline void setProgress(std::atomic<double>* progress, double f) {
  if (progress) progress->store(f, std::memory_order_relaxed);
}

// options.maxBytes resolved (0: 4x the last level, see ProbeOptions).
std::uint64_t resolvedMax(const ProbeOptions& options);
// Geometric working sets from min to max, pointsPerOctave per octave,
// multiples of 64 bytes, ascending, no duplicates; max always included.
std::vector<std::uint64_t> ladderSizes(const ProbeOptions& options);
// options.cache, or the host's data caches when it has no levels; three-C
// split off (the probe needs hit counts only).
sim::HierarchyConfig simConfig(const ProbeOptions& options);

// Share of the stream's loads served by each level (L1.., memory last),
// counted over `countedPasses` passes of the stream after `warmPasses`.
std::vector<double> servedShares(const sim::HierarchyConfig& config, const std::vector<std::uint64_t>& stream,
                                 int warmPasses = 1, int countedPasses = 1);
std::vector<double> hitRates(const sim::HierarchyConfig& config, const std::vector<std::uint64_t>& stream);

// Host cache sizes, L1 first (data/unified).
std::vector<std::uint64_t> hostLevelSizes();
std::vector<std::string> hostLevelNames();

// Order-preserving match of a latency ladder's knees to the cache levels
// (sizes from sysfs, L1 first): the index of each level's knee, -1 none.
std::vector<int> matchKnees(const std::vector<std::uint64_t>& knees, const std::vector<std::uint64_t>& sizes);

}  // namespace cachescope::probe::detail
