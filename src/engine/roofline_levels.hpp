// The faces' half of the roofline with a ceiling per level (issue 11): one
// cache simulation of a kernel's own loop nest with the host hierarchy,
// turned into bytes per level (bench/roofline_levels.hpp says how), for the
// CLI's `roofline --levels` and the GUI's per-level Roofline view alike.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "bench/roofline_levels.hpp"
#include "cachesim/config.hpp"
#include "kernels/kernel.hpp"
#include "platform/outcome.hpp"

namespace cachescope::engine {

// References simulated in full before --levels samples instead (about 5 s
// of simulation on this kind of machine).
inline constexpr double kLevelsFullReferences = 450e6;

// Share of the outer loop simulated by default: all of it up to
// kLevelsFullReferences references, else enough for about that many.
double defaultLevelsSample(double references);

// Simulates `kernel` at `params` through the host's data caches (write-back,
// LRU as the host preset says, no prefetch) and returns its bytes per level;
// an untraced kernel gets its compulsory estimate (intensityModel) at DRAM.
// `sample` in (0, 1], 0: defaultLevelsSample. Throws InputError for a
// request the simulator refuses; outcome Cancelled when *cancel stopped it.
// `cache`: the levels to simulate instead of the host's (tests: a teaching
// hierarchy small enough that a small n overflows its last level).
KernelTraffic kernelTraffic(const Kernel& kernel, const Params& params, double sample = 0,
                            const std::atomic<bool>* cancel = nullptr, std::atomic<double>* progress = nullptr,
                            const sim::HierarchyConfig* cache = nullptr);

// The bandwidth roof of each level (L1d, L2, L3, DRAM) on `threads`
// threads together: the probe's sustained read bandwidth per level.
struct LevelRoofsResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  std::vector<LevelRoof> roofs;  // L1 first, DRAM last
};
LevelRoofsResult measureLevelRoofs(int threads, double seconds, const std::atomic<bool>* cancel = nullptr);

}  // namespace cachescope::engine
