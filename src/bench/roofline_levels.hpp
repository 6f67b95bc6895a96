// The roofline with a ceiling per level (issue 11): a kernel placed by the
// bytes it moves at each level of the hierarchy, not by its compulsory
// traffic. Pure arithmetic on counters and roofs handed in as data, so it is
// tested on hand-made counters; the simulation that produces the counters
// (trace::simulate) and the probe that measures the roofs are called by the
// faces (engine/roofline_levels.hpp).
//
// Traffic at each level, from one simulation with write-back, write-allocate
// caches (the default semantics, as in Cachegrind; no prefetcher):
//   L1   (core <-> L1):  the references the loop nest made x their width
//                        (every traced element of an fp32 nest is 4 bytes)
//   L2   (L1 <-> L2):    (L1 misses + L1 writebacks) x L1's line
//   L3   (L2 <-> L3):    (L2 misses + L2 writebacks) x L2's line
//   DRAM (L3 <-> memory): (memory line reads + line writes) x L3's line
// Each miss of a level fills one of its lines from below and each writeback
// sends one dirty line down; nothing else crosses a boundary under
// write-back (a write hit stays in its level). The boundary is counted in
// the upper level's lines because that is what the upper level fills and
// evicts; with the host's equal 64-byte lines it is also the lower level's
// accesses x its line. Dirty lines still cached when the run ends are not
// written back (they never left). The simulator has no prefetch counters
// on this branch: a prefetcher's fills would add to the lower boundary.
//
// Placement: intensity_level = work / bytes_level; attainable =
// min(compute peak, min over levels of roof_level x intensity_level); the
// binding ceiling is the one that gives that minimum.
#pragma once

#include <string>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/hierarchy.hpp"
#include "platform/outcome.hpp"
#include "platform/roofline_machine.hpp"

namespace cachescope {

// Bytes that crossed into one level of the roofline ("L1d", "L2", "L3",
// "DRAM"), and between what.
struct LevelBytes {
  std::string level;     // the roof it is measured against (LevelRoof::level)
  std::string boundary;  // "core <-> L1d", "L1d <-> L2", "L3 <-> memory"
  double bytes = 0;
};

// The four (or fewer: one per cache level, plus memory) traffic figures of
// one simulation, L1 first, DRAM last. `coreBytes`: bytes the references
// themselves read and wrote (< 0: unknown, the core <-> L1 level is left
// out). The last level's traffic is named "DRAM". Throws InputError for a
// write-through hierarchy (the counters do not say what it sent down).
std::vector<LevelBytes> levelTraffic(const sim::HierarchyConfig& cache, const std::vector<sim::LevelCounters>& levels,
                                     const sim::MemoryCounters& memory, double coreBytes);

// One level's point under its roof.
struct LevelPoint {
  std::string level;
  std::string boundary;
  double bytes = 0;
  double intensity = 0;   // work / bytes (0: no bytes)
  double roofGBs = 0;     // that level's bandwidth roof, 0: not measured
  double attainable = 0;  // roofGBs x intensity (capped by nothing), 0: no roof
};

struct LevelPlacement {
  std::vector<LevelPoint> levels;   // L1 first, DRAM last
  double computePeak = 0;           // the data type's flat roof (0: none, ReLU)
  double attainable = 0;            // min(computePeak, every level's attainable)
  std::string binding;              // "L3", "DRAM", or "compute" (the flat roof)
  bool traced = true;               // false: the DRAM level is the compulsory estimate only
};

// The level roof named `level` in the machine (0: not there). "L1" matches
// "L1d" and the other way round.
double levelRoofGBs(const RooflineMachine& machine, const std::string& level);

// Places `work` (FLOP or operations) moving `traffic` bytes under the
// machine's level roofs and the roof of its data type.
LevelPlacement placeByLevels(const RooflineMachine& machine, Roof roof, double work,
                             const std::vector<LevelBytes>& traffic);

// One kernel's bytes per level as the faces obtained them (engine's
// kernelTraffic: a simulation, or the compulsory estimate).
struct KernelTraffic {
  Outcome outcome = Outcome::Ok;  // Cancelled: the counters cover what ran (not placed)
  bool traced = false;            // false: `traffic` holds the compulsory DRAM estimate only
  std::vector<LevelBytes> traffic;
  double work = 0;                // FLOP or operations the traffic belongs to (the window's when sampled)
  bool sampled = false;
  double sampleFraction = 1;      // share of the outer loop measured
  std::string caveat;             // where the traced nest differs from the timed code
  std::string note;               // how the traffic was obtained, in words
  double simulationSeconds = 0;
};

// Parses "L1d=210,L2=95,L3=40,DRAM=18" (GB/s; L1 or L1d, DRAM or memory),
// L1 first and DRAM last. Throws InputError naming `source`.
std::vector<LevelRoof> parseLevelRoofs(const std::string& text, const std::string& source);

// Why the achieved rate sits above one level's ceiling (by more than 2%),
// "" when it does not: a few words for the plot and the table.
std::string aboveLevelReason(const LevelPoint& point, double achieved, bool traced, bool sampled,
                             const std::string& caveat);

}  // namespace cachescope
