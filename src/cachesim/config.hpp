// What a simulated cache hierarchy is: levels (size, ways, line), one
// replacement policy, write and inclusion semantics. Plain data that the CLI,
// presets and the GUI fill in; `validate` turns every impossible combination
// into a ConfigError with a one-line message before any simulation starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/errors.hpp"

namespace cachescope::sim {

// A configuration the model cannot take (ways 0, line not a power of two...).
struct ConfigError : InputError {
  using InputError::InputError;
};

enum class Replacement { Lru, Fifo, Plru, Random };

// WriteBack: write-back + write-allocate (dirty lines written to the next level
// when evicted). WriteThrough: write-through + no-write-allocate (every write
// goes on to the next level, a write miss allocates nothing).
enum class WritePolicy { WriteBack, WriteThrough };

// Whether the three-C split (compulsory / capacity / conflict) is computed.
// It costs a fully associative shadow LRU per level (shadow_lru.hpp: a time
// stamp per access, a hash probe per miss) and a batch loop of its own
// without the two-level inline path: measured about 4.7x the simulation
// time (naive n=512, 48K:12:64 + 2M:16:64: 2.6 s -> 12.4 s CPU, a busy
// machine).
enum class MissClasses { Off, On };

inline constexpr int kMaxLevels = 4;

// Line sizes a level may have. Every access is split into the lines it
// covers, and a fetch or writeback between levels of different line sizes
// into the lower level's lines, so the ratio of sizes multiplies the work of
// one reference: with 4..4096 bytes it is at most 1024, where 1-byte and
// 2 GiB lines made 144 references cost 33.5 M accesses. Real caches use
// 32..256 bytes; 4 keeps the hand-worked teaching caches possible.
inline constexpr std::uint32_t kMinLineBytes = 4;
inline constexpr std::uint32_t kMaxLineBytes = 4096;

// The shadow LRU of the three-C split indexes its lines with 32-bit nodes.
inline constexpr std::uint64_t kMaxShadowLines = std::uint64_t(1) << 30;

struct LevelConfig {
  std::string name;            // "L1d", "L2", "L3"
  std::uint64_t sizeBytes = 0;
  std::uint32_t ways = 0;      // ways == size / line: fully associative
  std::uint32_t lineBytes = 0; // a power of two in kMinLineBytes..kMaxLineBytes

  std::uint64_t lines() const { return lineBytes ? sizeBytes / lineBytes : 0; }
  std::uint64_t sets() const { return ways && lineBytes ? sizeBytes / (std::uint64_t(ways) * lineBytes) : 0; }
};

// Hardware prefetch model (issue 11), applied at every level, each level
// with its own prefetcher and its own state; deterministic.
// - Trigger: a demand access of a level that misses and allocates, or that
//   hits a line this level's prefetcher brought in and no demand touched
//   yet (a "tagged" prefetcher: without this a sequential stream would
//   alternate miss and hit). Demand accesses are L1's loads and stores and
//   a lower level's fetches for the level above; writebacks, write-through
//   writes and other prefetches never trigger or train.
// - NextLine: a trigger on line l prefetches l+1 .. l+degree.
// - Stride: a table of `tableEntries` streams keyed by 4 KiB page (least
//   recently triggered entry replaced). A trigger on line l in the page of
//   an entry with last line m gives stride l-m; when it equals the entry's
//   stride (the same stride seen twice in a row) the trigger prefetches
//   l + stride*(distance+k), k = 0..degree-1, those inside the same page.
//   A stride of 0 (the same line again) changes nothing.
// - A prefetch of a line already in the level is dropped (prefetchRedundant).
//   Otherwise (prefetchIssued) the line is fetched from below as a
//   prefetch request (lower levels look it up and fill it on a miss,
//   counted in their prefetchLookups / prefetchLookupMisses, not in their
//   demand accesses; memory reads include it, MemoryCounters::prefetchReads)
//   and filled clean, most recent, like a demand fill; its victim is an
//   eviction (and writeback) as any other.
// - Order: the prefetches of a trigger are issued after the demand access
//   completed (after its fill and victim writeback), in k order.
// - The model has no timing: a prefetch arrives at once, so none is late.
// - The three-C split's shadow sees demand accesses only (it is the fully
//   associative LRU cache without prefetching).
// The default None keeps the exact demand-only counts (as Cachegrind).
enum class PrefetchKind { None, NextLine, Stride };
struct PrefetchConfig {
  PrefetchKind kind = PrefetchKind::None;
  int degree = 1;     // lines fetched per trigger, 1..16
  int distance = 1;   // strides ahead of the triggering miss, 1..64 (Stride)
  int tableEntries = 16;  // streams tracked per level (Stride)
};
// "none" | "next-line" | "stride" (optionally ":DEGREE:DISTANCE"). Throws ConfigError.
PrefetchConfig parsePrefetch(const std::string& text);
const char* toString(PrefetchKind kind);
// "stride, degree 2, distance 4"; "none".
std::string describe(const PrefetchConfig& prefetch);

struct HierarchyConfig {
  std::vector<LevelConfig> levels;  // L1 first; 1..kMaxLevels
  Replacement replacement = Replacement::Lru;
  std::uint64_t seed = 1;           // random replacement only
  WritePolicy write = WritePolicy::WriteBack;
  // Last level inclusive: its evictions invalidate the line in every level
  // above (back-invalidation). Off: no back-invalidation, as in Cachegrind.
  bool inclusiveLast = false;
  MissClasses missClasses = MissClasses::On;
  PrefetchConfig prefetch;          // applied at every level
};

// Throws ConfigError naming the level and what is wrong.
void validate(const LevelConfig& level);
// Also refuses a hierarchy whose simulator would not fit in memory
// (simulatorBytes against platform's budget of `availableBytes`; 0 = unknown,
// no check). The one-argument form reads the machine's available memory:
// every CacheModel and Hierarchy is built through it, so flags, presets, the
// GUI's overrides and scenario files all meet the same bound.
void validate(const HierarchyConfig& config);
void validate(const HierarchyConfig& config, std::uint64_t availableBytes);

// Memory the simulator of `config` allocates, in bytes (a double: absurd
// configurations pass 2^64). The levels' arrays are allocated up front; with
// the three-C split on, each level's shadow LRU is counted at its capacity
// (16 bytes per node plus at least two 12-byte hash slots per line), the
// least it reaches once the footprint fills the level.
struct MemoryEstimate {
  double levels = 0;
  double shadows = 0;
  double total() const { return levels + shadows; }
};
MemoryEstimate simulatorBytes(const HierarchyConfig& config);

// "48K:12:64" -> {size 49152, ways 12, line 64}. Throws ConfigError.
LevelConfig parseLevelSpec(const std::string& spec, const std::string& name);

// "lru" | "fifo" | "plru" | "random". Throws ConfigError.
Replacement parseReplacement(const std::string& text);
// "back" | "through" (also "write-back", "write-through"). Throws ConfigError.
WritePolicy parseWritePolicy(const std::string& text);

const char* toString(Replacement r);
const char* toString(WritePolicy w);

// "32 KiB 8-way 64 B lines (64 sets)"; fully associative levels say so.
std::string describe(const LevelConfig& level);
// "48K:12:64": the SPEC form, parseable again.
std::string toSpec(const LevelConfig& level);

}  // namespace cachescope::sim
