// The simulation API shared by `cachescope simulate` and the GUI: a request
// (what to trace, which caches) in, per-level counters out.
//
//   SimulationRequest req;
//   req.kernel = {naiveId, 512};         // an id from the registry
//   req.cache = hierarchyFor(hostPreset());
//   SimulationResult r = simulate(req);   // r.levels[0].hitRate() ...
//
// Runs on the caller's thread (the GUI calls it from its worker), stops early
// when *cancel becomes true (result.outcome Cancelled), publishes progress in
// [0, 1] through *progress, and can hand every access with its AccessEvent
// to an observer (for the animation: slower, meant for small n).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cachesim/cache_model.hpp"
#include "cachesim/reuse_distance.hpp"
#include "platform/outcome.hpp"
#include "trace/kernel_trace.hpp"
#include "trace/presets.hpp"

namespace cachescope::trace {

enum class Source { Kernel, TraceFile };

class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void onAccess(std::uint64_t address, std::uint32_t size, sim::Op op, const sim::AccessEvent& event) = 0;
  // Where the loop nest is (kernel runs only), before the accesses of (i, j, k).
  virtual void onPoint(int i, int j, int k) {}
};

struct SimulationRequest {
  Source source = Source::Kernel;
  KernelTraceSpec kernel;
  std::string tracePath;  // Source::TraceFile; "-" is standard input
  bool skipBad = false;   // count malformed trace lines instead of failing
  // Share of the nest's outer loop (rows of i for ijk, tile rows for
  // blocked: TraceDescription::outerCount) to measure, in (0, 1]. Below 1 a
  // warm-up of the iterations before the window is simulated and not
  // counted, and the result is marked sampled.
  double sample = 1.0;
  sim::HierarchyConfig cache;
  // Three-C split: nullopt = automatic, decided by the number of references:
  // on when a kernel run has at most kAutoMissClassesLimit, or a trace at
  // most `autoTraceLimit` (see kAutoTraceMissClassesLimit).
  std::optional<bool> missClasses;
  std::uint64_t autoTraceLimit = 0;  // 0: kAutoTraceMissClassesLimit (tests lower it)
  // Also the miss-ratio curve of fully associative LRU caches of every size
  // (Mattson's reuse distances over L1's lines, one pass beside the
  // simulation). Whole runs only: not with sample < 1 or an observer.
  bool mrc = false;
  // Threads a whole counting run of a kernel may be split across, by set
  // (trace/split_count.hpp: the same counts and contents as one thread).
  // 0: the CPUs this process may run on; 1: the calling thread only. Runs
  // the split cannot serve (the three-C split, a prefetcher, an inclusive
  // last level, PLRU or random, a sample, the miss-ratio curve, an
  // observer, a trace file) use the calling thread.
  unsigned threads = 0;
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<double>* progress = nullptr;
  EventObserver* observer = nullptr;
};

struct MissRatioCurve {
  std::uint32_t lineBytes = 0;       // L1's line size: every reference split into these lines
  std::uint64_t lineAccesses = 0;    // line accesses of the stream (L1's demand accesses)
  std::uint64_t distinctLines = 0;   // its footprint in lines (the cold misses at every size)
  std::vector<sim::MissRatioPoint> points;  // log-spaced sizes, 1 line .. beyond twice the footprint
  // The same at each simulated level's size in L1's lines (a fully
  // associative LRU cache that big, seeing every reference: L1's stream).
  std::vector<sim::MissRatioPoint> atLevels;
};

inline constexpr std::uint64_t kAutoMissClassesLimit = 64'000'000;

// A trace's length is not known before it is read (a pipe, or `--trace -`
// redirected from a file, look alike), so the automatic split reads up to
// this many references ahead (16 bytes each: 16 MB) and turns the split on
// only if the trace ends within them. The split's tables grow with the
// distinct lines touched, never more than the references, so memory stays
// bounded however long the trace is and however it is connected.
inline constexpr std::uint64_t kAutoTraceMissClassesLimit = 1'000'000;

struct SimulationResult {
  Source source = Source::Kernel;
  sim::HierarchyConfig cache;  // as simulated (missClasses resolved)
  std::vector<sim::LevelCounters> levels;
  sim::MemoryCounters memory;
  std::uint64_t references = 0;  // loads + stores counted (not split in lines)
  std::uint64_t writes = 0;      // of which stores
  double wallSeconds = 0.0;      // the simulated loop or trace only
  double cpuSeconds = 0.0;       // CPU time of the calling thread over the same span, and of
                                 // the split's threads (differs from wall time on a busy machine)
  unsigned threads = 1;          // threads the count was split across (SimulationRequest::threads)
  double accessesPerSecond = 0.0;  // all simulated references (warm-up too) / wallSeconds
  std::uint64_t simulatedReferences = 0;  // counted + warm-up
  // Ok or Cancelled (the counters cover the part simulated); a request that
  // cannot run throws instead.
  Outcome outcome = Outcome::Ok;

  // kernel runs
  TracedKernel kernel;
  bool sampled = false;
  double sampleFraction = 1.0;
  int outerCount = 0;              // iterations of the nest's outer loop
  int warmupOuter = 0;             // iterations [0, outerBegin) simulated, not counted
  int outerBegin = 0, outerEnd = 0;  // the measured iterations

  // trace files
  std::uint64_t traceLines = 0;
  std::uint64_t skippedLines = 0;
  std::uint64_t firstSkippedLine = 0;

  std::optional<MissRatioCurve> mrc;  // when requested

  // The caches after the run (contents for the GUI's cache view).
  std::shared_ptr<const sim::CacheModel> finalState;
};

// A hierarchy config from a preset's levels with default semantics.
sim::HierarchyConfig hierarchyFor(const CachePreset& preset);

// Throws SimulationError / TraceError (bad request or trace line) and
// sim::ConfigError (impossible cache).
SimulationResult simulate(const SimulationRequest& request);

}  // namespace cachescope::trace
