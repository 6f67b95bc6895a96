// The memory hierarchy, measured (issue 11): a latency ladder by pointer
// chasing, the memory mountain (read throughput against working set and
// stride), row- versus column-order traversal of a matrix, and sustained read
// bandwidth per level on 1..cores threads. Each probe can also run its exact
// access stream through the cache simulator, so measurement and model are
// drawn side by side.
//
// Core module: no UI headers. Every function runs on the caller's thread
// (TBB arenas inside for the threaded bandwidth), checks `cancel` between
// short chunks (result outcome Cancelled, numbers cover what ran), and
// publishes progress in [0, 1]. Bad options throw InputError with one line.
//
// Timing protocol, as in bench: `warmup` untimed passes, then `reps` timed
// repetitions of at least `minRepSeconds` each (the loop count is calibrated
// per point); a point reports the median, the minimum and the spread
// (max/min). Ns per access = median time / accesses of one rep.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachesim/config.hpp"
#include "platform/clock.hpp"
#include "platform/outcome.hpp"

namespace cachescope::probe {

struct Protocol {
  int warmup = 1;
  int reps = 5;
  double minRepSeconds = 0.005;
};

struct ProbeOptions {
  // Largest working set; 0: 4x the last-level cache, at most a quarter of
  // the available memory (and at least 64 MiB when memory allows).
  std::uint64_t maxBytes = 0;
  std::uint64_t minBytes = 1024;
  int pointsPerOctave = 4;  // latency ladder / mountain sizes: geometric
  int threads = 1;          // bandwidth: 1..threads are measured
  Protocol protocol;
  // Also simulate each probe's access stream (predicted series).
  bool simulate = false;
  sim::HierarchyConfig cache;  // the simulated levels (the host's by default)
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<double>* progress = nullptr;
  // The random chase's permutation (measured and simulated alike).
  std::uint64_t seed = 1;
};

// options.maxBytes with 0 resolved as described above.
std::uint64_t resolvedMaxBytes(const ProbeOptions& options);
// The working sets of the ladder and the mountain: geometric from minBytes
// to the resolved maxBytes, pointsPerOctave per octave, multiples of 64 B.
std::vector<std::uint64_t> workingSets(const ProbeOptions& options);

// Throws InputError("...") for sizes below 1 KiB, min > max, a working set
// that does not fit the memory budget, threads outside 1..cores, reps < 1.
void validate(const ProbeOptions& options);

// How cycles are derived from nanoseconds: estimateClock() (platform/clock.hpp),
// the timed dependent-add chain shared with the benchmark reports.

// ---------------------------------------------------------------- latency ladder

enum class ChaseOrder { Random, Sequential };
const char* toString(ChaseOrder order);

struct LatencyPoint {
  std::uint64_t bytes = 0;  // working set
  double nsPerLoad = 0;     // median
  double minNsPerLoad = 0;
  double cyclesPerLoad = 0; // nsPerLoad * clock.ghz
  double spread = 0;        // max / min of the reps
  // With options.simulate: share of loads served by each simulated level
  // (L1, L2, ..., memory last) and the predicted ns per load
  // (sum of share * measured latency of that level).
  std::vector<double> servedShare;
  double predictedNs = 0;
};

struct LatencySeries {
  ChaseOrder order = ChaseOrder::Random;
  std::vector<LatencyPoint> points;
};

// A level read off the curve: the working set where latency steps up,
// beside the size sysfs reports (0 when sysfs has no such level).
struct DetectedLevel {
  std::string name;              // "L1d", "L2", "L3"
  std::uint64_t detectedBytes = 0;
  std::uint64_t sysfsBytes = 0;
  double latencyNs = 0;          // plateau inside the level
  double latencyCycles = 0;
};

struct LatencyResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  ClockEstimate clock;
  std::vector<LatencySeries> series;  // Random first, then Sequential
  std::vector<DetectedLevel> levels;
  // The largest working set's latency: memory's, when that set is at least
  // 1.5x the last level (detected size, else sysfs): memoryReached. When the
  // range ends inside a cache, it is that cache's latency, and the table says
  // "not reached" instead of calling it memory's.
  double memoryLatencyNs = 0;
  bool memoryReached = false;
  // Where measured and predicted differ, why (hardware prefetch, TLB,
  // replacement, L3 slicing), one sentence each.
  std::vector<std::string> explanations;
};
LatencyResult measureLatency(const ProbeOptions& options);

// Knees of a latency curve (sorted by bytes): working sets after which the
// latency rises by a clear step to a new plateau; at most `maxKnees` (the
// highest steps), in order. Implemented: median-of-3 smoothing, a step is a
// run of rises of 6%+ climbing 40%+ in all, its knee where the curve crosses
// the geometric mean of the latencies before and after the step (log2
// bytes interpolated). Pure; tested on synthetic curves.
std::vector<std::uint64_t> detectKnees(const std::vector<LatencyPoint>& curve, int maxKnees);

// ---------------------------------------------------------------- memory mountain

struct MountainResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  std::vector<std::uint64_t> sizes;  // working sets, ascending
  std::vector<int> strides;          // in 8-byte elements, 1..32
  // gbPerSecond[s][z]: read throughput at strides[s], sizes[z] (bytes the
  // loop reads / median time); predicted the same shape, with simulate.
  std::vector<std::vector<double>> gbPerSecond;
  std::vector<std::vector<double>> predictedGBs;
  std::vector<std::string> explanations;
};
struct MountainOptions {
  std::vector<int> strides;  // empty: 1..32 (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
};
MountainResult measureMountain(const ProbeOptions& options, const MountainOptions& mountain = {});

// ---------------------------------------------------------------- traversal

struct TraversalResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  int n = 0;                      // n x n doubles
  double rowSeconds = 0, colSeconds = 0;        // medians
  double rowSpread = 0, colSpread = 0;
  double rowGBs = 0, colGBs = 0;
  // With simulate: hit rate per simulated level, row and column order.
  std::vector<double> rowHitRate, colHitRate;
  std::vector<std::string> levelNames;
};
// n: 0 = large enough to exceed the L2 (and at most 4096).
TraversalResult measureTraversal(const ProbeOptions& options, int n = 0);
// The n that n = 0 stands for: the matrix twice the last level, rounded up
// to a multiple of 64, in 256..4096.
int defaultTraversalN();

// ---------------------------------------------------------------- bandwidth

struct LevelBandwidth {
  std::string level;                // "L1d", "L2", "L3", "DRAM"
  std::uint64_t workingSetBytes = 0;  // per thread
  std::vector<double> gbPerSecond;  // [t-1]: t threads together, t = 1..threads
  std::vector<double> spread;
  std::vector<double> bestGbPerSecond;  // from the fastest rep (least disturbed on a shared machine)
};
struct BandwidthResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  int threads = 1;
  std::vector<LevelBandwidth> levels;  // L1 first, DRAM last
  std::string readLoop;                // the SIMD read loop timed: "avx512", "avx2", "scalar"
};
BandwidthResult measureBandwidth(const ProbeOptions& options);

// ---------------------------------------------------------------- streams

// The exact access stream of a probe (what the simulator sees), in order:
// one 8-byte read per element, as byte addresses relative to the buffer's
// start. kind RandomChase / SequentialChase / StrideRead take `bytesOrN` as
// the working set (StrideRead reads every `stride`-th 8-byte element once);
// RowSum / ColumnSum take it as n of an n x n matrix of doubles. `seed`
// fixes the random chase's permutation (the measured run uses the same).
enum class StreamKind { RandomChase, SequentialChase, StrideRead, RowSum, ColumnSum };
std::vector<std::uint64_t> accessStream(StreamKind kind, std::uint64_t bytesOrN, int stride, std::uint64_t seed);

// The random chase's successor table: next[i] is the line after line i, one
// cycle through all `count` lines (Sattolo's shuffle of SplitMix64(seed)).
std::vector<std::uint32_t> cyclicPermutation(std::uint64_t count, std::uint64_t seed);

}  // namespace cachescope::probe
