// The access-order animation's model, GL-free (tests/app drives it without a
// display).
//
// A kernel's own loop nest (its TraceDescription, the code the simulator
// counts) runs once on the worker with the Traced policy, every access goes
// through the cache hierarchy (sim::CacheModel::access) and is recorded in a
// compact AccessTrace: 4 bytes per access plus side streams for the lines
// entering and leaving L1, the loop positions (i, j, k) and the rare counter
// corrections (writebacks reaching L2). Playback on the GUI thread only reads
// that prepared data: a PlaybackState is rolled forward event by event, and a
// jump back restores the nearest checkpoint (a copy of the playback state
// taken every `checkpointEvery` accesses while recording) and rolls forward
// from there.
//
// Memory is bounded: at most kMaxAnimatedAccesses accesses are recorded per
// kernel (n = 128 naive is 4.2 M); a longer run shows its first part and says
// so (AccessTrace::truncated). Grids larger than kMaxGridCells per side
// aggregate f x f elements into one cell.
//
// [SECTION] recorded trace
// [SECTION] playback
// [SECTION] building (worker thread)
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/animation_launch.hpp"
#include "cachesim/config.hpp"
#include "cachesim/hierarchy.hpp"
#include "platform/outcome.hpp"
#include "trace/kernel_trace.hpp"

namespace cachescope::engine {

// [SECTION] recorded trace

// The buffers of the traced run (TraceBuffer: A, B, C, a tile copy, packed
// panels, CSR arrays), each drawn as a grid; at most kGrids of them.
inline constexpr int kGrids = 8;

inline constexpr std::uint64_t kMaxAnimatedAccesses = 8'000'000;
inline constexpr int kMaxGridCells = 128;  // cells per side before aggregating

struct GridShape {
  bool present = false;
  std::string name, caption;       // "A", "C = A x B"
  int rows = 0, cols = 0;          // elements
  int factor = 1;                  // elements per cell edge
  int cellRows = 0, cellCols = 0;  // cells drawn
  int cells() const { return cellRows * cellCols; }
};

// One recorded access, packed into 32 bits.
struct Event {
  std::uint32_t bits = 0;
  static constexpr std::uint32_t kCellMask = 0x3fff;  // kMaxGridCells^2 cells
  static constexpr int kGridShift = 14, kLevelShift = 18, kCodeShift = 26;
  static constexpr std::uint32_t kWrite = 1u << 21;
  static constexpr std::uint32_t kFill = 1u << 22;    // the accessed line entered L1 (next entry of `lines`)
  static constexpr std::uint32_t kEvict = 1u << 23;   // a line left L1 (next entry of `lines`)
  static constexpr std::uint32_t kPoint = 1u << 24;   // a new (i, j, k) starts here (next entry of `points`)
  static constexpr std::uint32_t kExtra = 1u << 25;   // counter corrections follow (entries of `extras`)

  std::uint32_t cell() const { return bits & kCellMask; }
  int grid() const { return int((bits >> kGridShift) & 7u); }
  int level() const { return int((bits >> kLevelShift) & 7u); }  // 0 = L1 ... levels = memory
  int codeLine() const { return int((bits >> kCodeShift) & 15u); }
  bool write() const { return bits & kWrite; }
};

// Counter changes an access caused beyond its own lookups (a dirty line
// written back into the level below, write-through traffic).
struct CounterExtra {
  std::uint32_t event = 0;
  std::uint8_t level = 0;
  std::int32_t accesses = 0, hits = 0;
};

// The state of the animation after the first `t` accesses of one kernel.
struct PlaybackState {
  std::uint64_t t = 0;
  // Per grid and cell: 1 + index of the last access (0: never touched), and
  // the level that served it.
  std::array<std::vector<std::uint32_t>, kGrids> lastTouch;
  std::array<std::vector<std::uint8_t>, kGrids> level;
  std::vector<std::uint8_t> inL1;  // per line id
  std::array<std::uint64_t, sim::kMaxLevels> accesses{}, hits{};
  std::size_t lineCursor = 0, pointCursor = 0, extraCursor = 0;
  std::uint64_t point = 0;         // packed (i, j, k) of the current inner iteration
  int codeLine = -1;               // line of the loop nest of access t-1

  int i() const { return int(point & 0x1fffff); }
  int j() const { return int((point >> 21) & 0x1fffff); }
  int k() const { return int((point >> 42) & 0x1fffff); }
  double hitRate(int level) const {
    return accesses[std::size_t(level)] ? double(hits[std::size_t(level)]) / double(accesses[std::size_t(level)]) : 0.0;
  }
};

std::uint64_t packPoint(int i, int j, int k);

// One kernel's recorded run. Immutable once built; shared by snapshots.
struct AccessTrace {
  std::string kernel;  // the registered id
  std::string title;   // "Naive ijk"
  std::string caveat;  // where the traced nest differs from the timed kernel ("" none)
  int n = 0, block = 0;
  bool usesBlock = false;
  int gridCount = 0;   // grids [0, gridCount) are drawn; the first three side by side
  std::array<GridShape, kGrids> grids;
  std::array<std::vector<std::uint32_t>, kGrids> cellLine;  // line id of each cell's first element

  std::vector<Event> events;
  std::vector<std::uint32_t> lines;   // line ids for kFill / kEvict, in event order
  std::vector<std::uint64_t> points;  // packed (i, j, k) for kPoint, in order
  std::vector<CounterExtra> extras;
  std::uint32_t lineCount = 0;

  std::uint64_t totalReferences = 0;  // of the whole run (events.size() unless truncated)
  bool truncated = false;
  // Ok, or Cancelled: recording stopped part way and the trace holds no accesses.
  Outcome outcome = Outcome::Ok;
  int levels = 0;                     // cache levels (the memory is `levels`)
  std::vector<std::string> levelNames;
  std::vector<sim::LevelCounters> finalCounters;  // the model's own counters after the recorded accesses
  std::vector<std::uint8_t> finalInL1;            // the model's L1 contents then, per line id

  std::uint64_t checkpointEvery = 0;
  std::vector<PlaybackState> checkpoints;  // checkpoints[c].t == c * checkpointEvery

  std::uint64_t size() const { return events.size(); }
  // The nest as code, one string per line (the kernel's description);
  // Event::codeLine indexes it.
  std::vector<std::string> code;
};

// [SECTION] playback

// An empty state (t = 0) shaped for `trace`.
PlaybackState initialState(const AccessTrace& trace);
// Applies accesses [state.t, t) (t is clamped to the trace).
void rollForward(const AccessTrace& trace, PlaybackState& state, std::uint64_t t);
// Any t: restores the nearest checkpoint when going back or far ahead.
void seek(const AccessTrace& trace, PlaybackState& state, std::uint64_t t);
// The first access index after `t` at which a new inner iteration (i, j, k)
// starts; size() when none.
std::uint64_t nextPointStart(const AccessTrace& trace, std::uint64_t t);

// [SECTION] building (worker thread)

// The Access view's sides: up to three traced kernels, one after another.
inline constexpr std::size_t kMaxAnimationSides = 3;

// `ids` when given (each must be traceable: throws UsageError otherwise),
// else the registry's comparison pair.
std::vector<std::string> animationKernels(const std::vector<std::string>& ids);

// The sides that follow the selection: its traced kernels in order (at most
// kMaxAnimationSides), or the registry's pair when none is traced.
std::vector<std::string> followedAnimationKernels(const std::vector<std::string>& selection);

// The size the animation plays at: `chosen` (> 0), else the settings' n up to
// kMaxFollowedAnimationN, else kDefaultAnimationN (n = 512 would take hours
// to play and leave the grid nearly empty; n = 32 on teaching-tiny plays
// through in half a minute at the default speed and fills it).
inline constexpr int kDefaultAnimationN = 32, kMaxFollowedAnimationN = 64;
int animationSize(int chosen, int settingsN);

// The block the animation uses: `block` when it is below n, else n / 4 (at
// least 2), so that "blocked" is several tiles and not one.
int animationBlock(int block, int n);

// Playback speed at which `accesses` play through in about `seconds`,
// at most: rounded up to 1, 2 or 5 x 10^k, within the slider's range.
double playThroughSpeed(std::uint64_t accesses, double seconds = 40);

// The cache preset the animation simulates: `chosen`, or by n: teaching-tiny
// up to n = 32, teaching-small up to 128 (both make the effect visible at
// that size), the host's caches above.
std::string animationCaches(const std::string& chosen, int n);

struct AnimationSpec {
  std::vector<std::string> kernels;  // traceable kernel ids, shown left to right
  int n = 32;
  int block = 8;
  double density = 1.0;   // kernels that trace a density (sparse)
  std::string cacheName;  // preset name, for captions
  sim::HierarchyConfig cache;
  std::uint64_t maxAccesses = kMaxAnimatedAccesses;
};

// Records one kernel. Throws trace::SimulationError / sim::ConfigError for
// bad input. When *cancel becomes true the trace comes back empty with
// outcome Cancelled.
std::shared_ptr<const AccessTrace> recordAccessTrace(const AnimationSpec& spec, const std::string& kernel,
                                                     const std::atomic<bool>* cancel = nullptr,
                                                     std::atomic<double>* progress = nullptr);

// What the worker publishes for the Access view.
struct AnimationData {
  std::uint64_t request = 0;
  AnimationSpec spec;
  std::vector<std::shared_ptr<const AccessTrace>> sides;
  bool complete = false;
  Outcome outcome = Outcome::Ok;  // Cancelled: recording stopped, `sides` holds what finished
  std::uint64_t length() const {
    std::uint64_t m = 0;
    for (const auto& s : sides) m = std::max<std::uint64_t>(m, s->size());
    return m;
  }
};

}  // namespace cachescope::engine
