// A cache hierarchy over one replacement policy: the simulator proper.
//
// Semantics (the defaults follow Cachegrind, shared/design.md section 4):
// - Every level is looked up only on a miss of the level above; a miss
//   fetches the line from below and fills it here (write-allocate).
// - Write-back: a write hit marks the line dirty; evicting a dirty line writes
//   it to the next level, where it is an ordinary write access (so L2's
//   accesses are L1's misses plus L1's writebacks; Cachegrind, which models
//   no writebacks, shows the misses only). Evictions of the last level go to
//   memory.
// - Write-through (WritePolicy::WriteThrough): every write also goes to the
//   next level; a write miss allocates nothing (no-write-allocate).
// - No back-invalidation unless `inclusiveLast`: then a line evicted from the
//   last level is invalidated in every level above (a dirty copy there goes
//   to memory and counts as a writeback of that level).
// - An access that straddles a line boundary touches every line it covers;
//   each line is one access at L1.
// - Order on a miss: fetch from below, then choose the victim and fill, then
//   write the victim back if dirty.
//
// `countBatch()` is the counting hot path (a traced kernel's references, a
// batch at a time), `count()` counts one reference, `access()` also returns
// an AccessEvent for the animation. All three update the same state.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/level.hpp"
#include "cachesim/recency_level.hpp"
#include "cachesim/shadow_lru.hpp"
#include "platform/ref_batch.hpp"
#include "platform/splitmix.hpp"

namespace cachescope::sim {

enum class Op : std::uint8_t { Read, Write };

// The batch format (aligned references of 1-8 bytes, one flags byte each)
// is platform/ref_batch.hpp's, shared with the loop nests that fill batches.
using cachescope::batchable;
using cachescope::kMaxBatchedSize;
using cachescope::RefFlags;
constexpr RefFlags batchFlags(std::uint32_t size, Op op) { return refFlags(size, op == Op::Write); }

// The level type of each policy.
template <class Policy>
struct LevelFor {
  using type = Level<Policy>;
};
template <>
struct LevelFor<LruPolicy> {
  using type = RecencyLevel<true>;
};
template <>
struct LevelFor<FifoPolicy> {
  using type = RecencyLevel<false>;
};

struct LevelCounters {
  std::uint64_t accesses = 0;  // line accesses that reached this level
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;    // valid lines replaced
  std::uint64_t writebacks = 0;   // dirty lines that left this level
  std::uint64_t compulsory = 0;   // three-C split of `misses` (zero when off)
  std::uint64_t capacity = 0;
  std::uint64_t conflict = 0;
  std::uint64_t invalidations = 0;  // lines removed by back-invalidation
  // Hardware prefetch (config.hpp PrefetchConfig; all zero with None). Of
  // the lines this level's prefetcher proposed:
  std::uint64_t prefetchRedundant = 0;  // already resident here: dropped, nothing changed
  std::uint64_t prefetchIssued = 0;     // not resident: fetched from below and filled here
  // Of the issued ones (each counted once, in exactly one of the three; the
  // sum equals prefetchIssued unless the counters were reset in between):
  std::uint64_t prefetchUseful = 0;   // hit by a demand access before leaving this level
  std::uint64_t prefetchUnused = 0;   // evicted or back-invalidated with no demand hit
  std::uint64_t prefetchPending = 0;  // still resident, not yet hit by a demand (when read)
  // Prefetch requests of the level above that reached this level (not in
  // accesses/hits/misses), and those that missed here (and were filled).
  std::uint64_t prefetchLookups = 0;
  std::uint64_t prefetchLookupMisses = 0;

  double hitRate() const { return accesses ? double(hits) / double(accesses) : 0.0; }
};

// Traffic below the last level, in lines of the last level.
struct MemoryCounters {
  std::uint64_t reads = 0;   // fills of the last level
  std::uint64_t writes = 0;  // writebacks and write-through writes reaching memory
  std::uint64_t prefetchReads = 0;  // of `reads`, the fills for prefetches
};

struct LevelEvent {
  bool looked = false;      // the access reached this level
  bool hit = false;
  bool filled = false;      // the line was brought in (way = where)
  bool evicted = false;     // a valid line was replaced
  bool writeback = false;   // ... and it was dirty
  std::uint32_t way = 0;    // way hit or filled
  std::uint64_t set = 0;
  std::uint64_t evictedAddress = 0;  // first byte of the evicted line
};

// What one access did, for the animation. For an access straddling lines,
// `level` describes the last line and `servedBy` the deepest level any line
// came from.
struct AccessEvent {
  std::uint8_t servedBy = 0;  // 0 = L1, 1 = L2, ..., levels() = memory
  std::uint8_t lines = 0;     // lines covered (2 when straddling a boundary)
  std::array<LevelEvent, kMaxLevels> level{};
};

template <class Policy>
class Hierarchy {
 public:
  using LevelT = typename LevelFor<Policy>::type;

  explicit Hierarchy(const HierarchyConfig& c)
      : levelCount_(int(c.levels.size())),
        writeBack_(c.write == WritePolicy::WriteBack),
        inclusive_(c.inclusiveLast && c.levels.size() > 1),
        classify_(c.missClasses == MissClasses::On),
        prefetchOn_(c.prefetch.kind != PrefetchKind::None),
        prefetch_(c.prefetch) {
    validate(c);
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      levels_.emplace_back(c.levels[i], c.seed + i * SplitMix64::kGamma);
      if (classify_) {
        shadows_.emplace_back(c.levels[i].lines());
        wayIds_.emplace_back(c.levels[i].lines(), ShadowLru::kNoId);
      }
    }
    if (prefetchOn_) {
      prefetchers_.resize(c.levels.size());
      if (prefetch_.kind == PrefetchKind::Stride)
        for (auto& p : prefetchers_) p.streams.assign(std::size_t(prefetch_.tableEntries), Stream{});
    }
    shift0_ = levels_[0].lineShift();
    if constexpr (kHasView) {
      batchLoop_ = !classify_ && !prefetchOn_ && writeBack_ && levels_[0].narrow() &&
                   (levelCount_ == 1 || (levels_[1].narrow() && levels_[1].lineShift() == shift0_));
      classifiedLoop_ = classify_ && !prefetchOn_ && writeBack_ && levels_[0].narrow();
    }
  }

  int levels() const { return levelCount_; }
  const LevelT& level(int i) const { return levels_[std::size_t(i)]; }
  LevelCounters counters(int i) const {
    // The hot path counts accesses, writes and misses only; the rest follows.
    LevelCounters c = counters_[std::size_t(i)];
    c.reads = c.accesses - c.writes;
    c.hits = c.accesses - c.misses;
    if (prefetchOn_) c.prefetchPending = prefetchers_[std::size_t(i)].pending.size();
    return c;
  }
  const MemoryCounters& memory() const { return memory_; }
  bool classifies() const { return classify_; }
  // Whether countBatch runs its inline loop (else count() per reference).
  bool batchesInline() const { return batchLoop_; }

  // Whether a read of the line that L1's set used last may be counted
  // without simulating it (TraceSink::filterRepeatedReads): such a read
  // hits and changes nothing with every policy (LRU: the line is already
  // the most recent; FIFO and random: a hit changes nothing; tree-PLRU:
  // the same way's path again), and no level below sees it. Not with
  // write-through (a write that misses allocates nothing, so the set's
  // last line may be absent), the three-C shadow (it orders every access), a prefetcher (a hit may
  // trigger), back-invalidation (the line may have left L1), L1 lines
  // under 8 bytes (a batched reference could cover two) or a set count
  // that is no power of two (the sink's table takes a mask).
  bool filtersRepeatedReads() const {
    return writeBack_ && !classify_ && !prefetchOn_ && !inclusive_ && shift0_ >= 3 && std::has_single_bit(levels_[0].sets());
  }
  std::uint32_t lineShift0() const { return shift0_; }
  // Counts reads that the sink filtered (each one an L1 hit).
  void countFilteredReads(std::uint64_t reads) { counters_[0].accesses += reads; }

  // Whether each set changes only on accesses to its own lines: LRU or FIFO
  // (tree-PLRU would do too, but has no copySet; random draws from one
  // stream for all sets) with no three-C shadow (one fully associative
  // cache over all sets), no prefetcher (it fills a neighbour's set) and no
  // back-invalidation. A count may then be split across copies by set
  // (trace's SplitCounter) and merged with absorb().
  bool splitsBySet() const {
    if constexpr (kHasView)
      return !classify_ && !prefetchOn_ && !inclusive_;
    else
      return false;
  }
  // Takes from `other`, a copy of this hierarchy that counted another part
  // of the references, the sets for which owns(level, set) holds, and adds
  // its counters to these (splitsBySet() must hold).
  template <class Owns>
  void absorb(const Hierarchy& other, Owns owns) {
    if constexpr (kHasView) {
      for (int l = 0; l < levelCount_; ++l) {
        LevelT& mine = levels_[std::size_t(l)];
        for (std::uint64_t s = 0; s < mine.sets(); ++s)
          if (owns(l, s)) mine.copySet(other.levels_[std::size_t(l)], s);
        LevelCounters& c = counters_[std::size_t(l)];
        const LevelCounters& o = other.counters_[std::size_t(l)];
        c.accesses += o.accesses;
        c.writes += o.writes;
        c.misses += o.misses;
        c.evictions += o.evictions;
        c.writebacks += o.writebacks;
      }
      memory_.reads += other.memory_.reads;
      memory_.writes += other.memory_.writes;
    }
  }

  // Zeroes the counters and keeps the contents: the end of a warm-up.
  void resetCounters() {
    counters_ = {};
    memory_ = {};
  }

  [[gnu::always_inline]] void count(std::uint64_t address, std::uint32_t size, Op op) {
    const std::uint64_t line = address >> shift0_;
    const std::uint64_t last = (address + (size ? size : 1) - 1) >> shift0_;
    const bool write = op == Op::Write;
    if (line == last) [[likely]] {
      lookup<false>(0, line, write, nullptr);
      return;
    }
    for (std::uint64_t l = line;; ++l) {
      lookup<false>(0, l, write, nullptr);
      if (l == last) break;
    }
  }

  // The same as count() on each reference in order (see batchable() and
  // batchFlags()), for the counting hot path: with LRU/FIFO levels of at
  // most 16 ways, write-back, no three-C shadow and no prefetch, a loop over the first
  // two levels' Views with the counters in locals (levels below L2 and every
  // rare event take the general code); otherwise count() per reference.
  void countBatch(const std::uint64_t* addresses, const RefFlags* flags, std::size_t n) {
    if constexpr (kHasView) {
      if (batchLoop_) {
        const bool fast = shift0_ == 6 && std::has_single_bit(levels_[0].sets()) &&
                          (levelCount_ == 1 || std::has_single_bit(levels_[1].sets()));
        if (levelCount_ == 1)
          fast ? batchLoop<false, true>(addresses, flags, n) : batchLoop<false, false>(addresses, flags, n);
        else if (fast && levels_[0].ways() == 8)  // the common L1d (AMD, older Intel)
          batchLoop<true, true, 8>(addresses, flags, n);
        else
          fast ? batchLoop<true, true>(addresses, flags, n) : batchLoop<true, false>(addresses, flags, n);
        return;
      }
      if (classifiedLoop_) {
        std::has_single_bit(levels_[0].sets()) ? classifiedLoop<true>(addresses, flags, n)
                                               : classifiedLoop<false>(addresses, flags, n);
        return;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t f = std::uint32_t(flags[i]);
      count(addresses[i], std::uint32_t(1) << (f >> 1), Op(f & 1));
    }
  }

  AccessEvent access(std::uint64_t address, std::uint32_t size, Op op) {
    AccessEvent ev;
    std::uint64_t line = address >> shift0_;
    const std::uint64_t last = (address + (size ? size : 1) - 1) >> shift0_;
    const bool write = op == Op::Write;
    std::uint8_t deepest = 0;
    for (;;) {
      ev.level = {};
      ev.servedBy = 0;
      lookup<true>(0, line, write, &ev);
      deepest = std::max(deepest, ev.servedBy);
      ++ev.lines;
      if (line == last) break;
      ++line;
    }
    ev.servedBy = deepest;
    return ev;
  }

 private:
  static constexpr bool kHasView = requires(const LevelT& l) { l.view(); };

  // countBatch's fast loop. Order of events per reference as in lookup()
  // and miss(): L1 lookup; on a miss the fetch from L2 (whose own miss goes
  // to the general code), then L1's fill, then the writeback of a dirty
  // victim.
  // kFast: both levels' set counts are powers of two (a mask, no modulo)
  // and lines are 64 bytes (shifts by a constant, and no batched reference
  // can straddle a line). Otherwise the general set index and shift.
  // kWays1: L1's ways when known at compile time (0: not).
  template <bool kTwo, bool kFast, std::uint32_t kWays1 = 0>
  void batchLoop(const std::uint64_t* addresses, const RefFlags* flags, std::size_t n) {
    static_assert(int(Op::Read) == 0 && int(Op::Write) == 1);
    auto l1 = levels_[0].view();
    if constexpr (kWays1 != 0) l1.template assumeWays<kWays1>();
    const auto l2 = levels_[kTwo ? 1 : 0].view();
    const std::uint64_t mask1 = levels_[0].sets() - 1, mask2 = l2.index.sets() - 1;
    const std::uint32_t shift = kFast ? 6 : shift0_;
    std::uint64_t straddling = 0, writes = 0, misses = 0, evictions = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t address = addresses[i];
      const std::uint32_t f = std::uint32_t(flags[i]);
      if constexpr (!kFast) {
        if ((f >> 1) > shift) [[unlikely]] {  // larger than a line
          ++straddling;
          countOutOfLine(address, f);
          continue;
        }
      }
      const std::uint64_t line = address >> shift;
      const std::uint32_t write = f & 1;
      writes += write;
      const std::uint64_t set1 = kFast ? line & mask1 : l1.setOf(line);
      const typename LevelT::Key key(line);
      if (l1.lookup(set1, key, write) != LevelT::kMiss) continue;
      ++misses;
      if constexpr (kTwo) {
        const std::uint64_t set2 = kFast ? line & mask2 : l2.setOf(line);
        if (l2.lookup(set2, key, false) == LevelT::kMiss) missBelow(line, set2);
      } else {
        ++memory_.reads;
      }
      const auto v = l1.fill(set1, key, write);
      if (v.line != kInvalidLine) {
        ++evictions;
        if (v.dirty) writeBackFromL1(v.line);
      }
    }
    LevelCounters& c = counters_[0];
    c.accesses += n - straddling;
    c.writes += writes;
    c.misses += misses;
    c.evictions += evictions;
    if constexpr (kTwo) counters_[1].accesses += misses;  // the fetches, all reads
  }

  // countBatch's loop with the three-C split (write-back, no prefetch, a
  // narrow L1): L1's lookup inline, a hit's shadow update by the id kept
  // for its way (no hash probe), everything else (L1's misses, the levels
  // below, references larger than a line) the general code. Events in the
  // order of lookup() and classifiedLookup().
  // kPow2: L1's set count is a power of two (a mask).
  template <bool kPow2>
  void classifiedLoop(const std::uint64_t* addresses, const RefFlags* flags, std::size_t n) {
    auto l1 = levels_[0].view();
    ShadowLru& shadow = shadows_[0];
    std::uint32_t* const ids = wayIds_[0].data();
    const std::uint64_t ways = levels_[0].ways(), mask = levels_[0].sets() - 1;
    const std::uint32_t shift = shift0_;
    std::uint64_t accesses = 0, writes = 0;
    // A miss probes the shadow's hash table at a random place: its slot is
    // asked for kAhead references early (for every reference: which ones
    // miss is not known yet, and a hit's prefetch costs a cycle or two).
    // (Prefetching L2's set and way ids as well measured no faster.)
    constexpr std::size_t kAhead = 16;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t address = addresses[i];
      if (i + kAhead < n) shadow.prefetch(addresses[i + kAhead] >> shift);
      const std::uint32_t f = std::uint32_t(flags[i]);
      if ((f >> 1) > shift) [[unlikely]] {  // larger than a line
        countOutOfLine(address, f);
        continue;
      }
      const std::uint64_t line = address >> shift;
      const std::uint32_t write = f & 1;
      ++accesses;
      writes += write;
      const std::uint64_t set = kPow2 ? line & mask : l1.setOf(line);
      const typename LevelT::Key key(line);
      const std::uint32_t way = l1.lookup(set, key, write);
      if (way != LevelT::kMiss) [[likely]] {
        std::uint32_t& id = ids[set * ways + way];
        if (id != ShadowLru::kNoId) [[likely]]
          shadow.touch(id, true);
        else
          id = shadow.access(line, true).id;
        continue;
      }
      classifiedMissL1(line, write != 0, set);
    }
    counters_[0].accesses += accesses;
    counters_[0].writes += writes;
  }
  [[gnu::noinline]] void classifiedMissL1(std::uint64_t line, bool write, std::uint64_t set) {
    miss<false>(0, line, write, nullptr, set, shadows_[0].access(line, true));
  }

  [[gnu::noinline]] void countOutOfLine(std::uint64_t address, std::uint32_t flags) {
    count(address, std::uint32_t(1) << (flags >> 1), Op(flags & 1));
  }
  [[gnu::noinline]] void missBelow(std::uint64_t line, std::uint64_t set) {
    miss<false>(1, line, false, nullptr, set, ShadowLru::Result{true, true});
  }
  [[gnu::noinline]] void writeBackFromL1(std::uint64_t line) {
    ++counters_[0].writebacks;
    below<false>(0, line, true, nullptr);
  }

  // The common case inline (a hit without the three-C shadow); everything
  // else out of line so the hot loop stays small.
  template <bool kEvent>
  [[gnu::always_inline]] void lookup(int lvl, std::uint64_t line, bool write, AccessEvent* ev) {
    LevelT& L = levels_[std::size_t(lvl)];
    LevelCounters& c = counters_[std::size_t(lvl)];
    ++c.accesses;
    c.writes += write;
    if (classify_) {
      classifiedLookup<kEvent>(lvl, line, write, ev);
      return;
    }
    const std::uint64_t set = L.setOf(line);
    const std::uint32_t way = L.lookup(set, line, write && writeBack_);
    if (way != LevelT::kMiss) [[likely]] {
      if constexpr (kEvent) recordHit(lvl, set, way, ev);
      if (write && !writeBack_) writeThrough(lvl, line);
      if (prefetchOn_) [[unlikely]] prefetchOnHit(lvl, line, write);
      return;
    }
    miss<kEvent>(lvl, line, write, ev, set, ShadowLru::Result{true, true});
  }

  void recordHit(int lvl, std::uint64_t set, std::uint32_t way, AccessEvent* ev) {
    LevelEvent& e = ev->level[std::size_t(lvl)];
    e.looked = e.hit = true;
    e.set = set;
    e.way = way;
    ev->servedBy = std::uint8_t(lvl);
  }

  [[gnu::noinline]] void writeThrough(int lvl, std::uint64_t line) { below<false>(lvl, line, true, nullptr); }

  // The three-C path: the level first, then its shadow. A hit knows the
  // line's shadow id from wayIds_ (the id of the line in each way, set at
  // every demand fill), so only a miss (or a hit on a prefetched line, whose
  // fill had no id) probes the shadow's hash table.
  template <bool kEvent>
  [[gnu::noinline]] void classifiedLookup(int lvl, std::uint64_t line, bool write, AccessEvent* ev) {
    LevelT& L = levels_[std::size_t(lvl)];
    ShadowLru& shadow = shadows_[std::size_t(lvl)];
    const bool allocate = !write || writeBack_;
    const std::uint64_t set = L.setOf(line);
    const std::uint32_t way = L.lookup(set, line, write && writeBack_);
    if (way != LevelT::kMiss) {
      const std::uint32_t id = wayIds_[std::size_t(lvl)][set * L.ways() + way];
      if (id != ShadowLru::kNoId)
        shadow.touch(id, allocate);
      else
        wayIds_[std::size_t(lvl)][set * L.ways() + way] = shadow.access(line, allocate).id;
      if constexpr (kEvent) recordHit(lvl, set, way, ev);
      if (write && !writeBack_) below<false>(lvl, line, true, nullptr);
      if (prefetchOn_) prefetchOnHit(lvl, line, write);
      return;
    }
    miss<kEvent>(lvl, line, write, ev, set, shadow.access(line, allocate));
  }

  template <bool kEvent>
  [[gnu::noinline]] void miss(int lvl, std::uint64_t line, bool write, AccessEvent* ev, std::uint64_t set,
                              ShadowLru::Result shadow) {
    LevelT& L = levels_[std::size_t(lvl)];
    LevelCounters& c = counters_[std::size_t(lvl)];
    const bool allocate = !write || writeBack_;
    ++c.misses;
    if (classify_) {
      if (!shadow.seen)
        ++c.compulsory;
      else if (!shadow.hit)
        ++c.capacity;
      else
        ++c.conflict;
    }
    if constexpr (kEvent) {
      LevelEvent& e = ev->level[std::size_t(lvl)];
      e.looked = true;
      e.set = set;
    }
    if (!allocate) {  // write-through write miss: straight on, nothing kept here
      below<kEvent>(lvl, line, true, ev);
      return;
    }
    below<kEvent>(lvl, line, false, ev);
    const auto v = L.fill(set, line, write && writeBack_);
    if (classify_) wayIds_[std::size_t(lvl)][set * L.ways() + v.way] = shadow.id;
    if constexpr (kEvent) {
      LevelEvent& e = ev->level[std::size_t(lvl)];
      e.filled = true;
      e.way = v.way;
      e.evicted = v.line != kInvalidLine;
      e.writeback = e.evicted && v.dirty;
      if (e.evicted) e.evictedAddress = v.line << L.lineShift();
    }
    if (v.line != kInvalidLine) {
      if (prefetchOn_) prefetchLeft(lvl, v.line);
      ++c.evictions;
      if (v.dirty) {
        ++c.writebacks;
        below<false>(lvl, v.line, true, nullptr);
      }
      if (inclusive_ && lvl == levelCount_ - 1)
        backInvalidate(v.line << L.lineShift(), std::uint64_t(1) << L.lineShift());
    }
    if (prefetchOn_ && (lvl == 0 || !write)) trigger(lvl, line);
  }

  // --- hardware prefetch (config.hpp PrefetchConfig) ---

  struct Stream {
    std::uint64_t page = ~std::uint64_t(0);
    std::uint64_t last = 0;  // line of the last trigger
    std::int64_t stride = 0;
    std::uint64_t used = 0;  // stamp of the last trigger, 0 = never
  };
  struct Prefetcher {
    std::unordered_set<std::uint64_t> pending;  // resident lines it brought in, no demand hit yet
    std::vector<Stream> streams;                // Stride
    std::uint64_t clock = 0;
  };

  // A demand hit: the first on a prefetched line makes it useful and is a trigger.
  [[gnu::noinline]] void prefetchOnHit(int lvl, std::uint64_t line, bool write) {
    if (lvl != 0 && write) return;  // a writeback or write-through write: not a demand
    auto& pending = prefetchers_[std::size_t(lvl)].pending;
    if (pending.empty() || pending.erase(line) == 0) return;
    ++counters_[std::size_t(lvl)].prefetchUseful;
    trigger(lvl, line);
  }

  // `line` left level `lvl` (evicted or invalidated).
  void prefetchLeft(int lvl, std::uint64_t line) {
    auto& pending = prefetchers_[std::size_t(lvl)].pending;
    if (!pending.empty() && pending.erase(line)) ++counters_[std::size_t(lvl)].prefetchUnused;
  }

  [[gnu::noinline]] void trigger(int lvl, std::uint64_t line) {
    if (prefetch_.kind == PrefetchKind::NextLine) {
      for (int k = 1; k <= prefetch_.degree; ++k) prefetchLine(lvl, line + std::uint64_t(k));
      return;
    }
    Prefetcher& p = prefetchers_[std::size_t(lvl)];
    const std::uint32_t pageShift = 12 - levels_[std::size_t(lvl)].lineShift();
    const std::uint64_t page = line >> pageShift;
    Stream* s = nullptr;
    Stream* oldest = &p.streams[0];
    for (Stream& e : p.streams) {
      if (e.page == page) {
        s = &e;
        break;
      }
      if (e.used < oldest->used) oldest = &e;
    }
    ++p.clock;
    if (!s) {
      *oldest = Stream{page, line, 0, p.clock};
      return;
    }
    s->used = p.clock;
    const std::int64_t stride = std::int64_t(line - s->last);
    if (stride == 0) return;
    const bool confirmed = stride == s->stride;
    s->stride = stride;
    s->last = line;
    if (!confirmed) return;
    for (int k = 0; k < prefetch_.degree; ++k) {
      const std::uint64_t target = line + std::uint64_t(stride * (prefetch_.distance + k));
      if (target >> pageShift != page) break;  // the page's end (and wrap-around) stops the stream
      prefetchLine(lvl, target);
    }
  }

  // The prefetch of one line into level `lvl`.
  void prefetchLine(int lvl, std::uint64_t line) {
    LevelT& L = levels_[std::size_t(lvl)];
    LevelCounters& c = counters_[std::size_t(lvl)];
    if (L.contains(line)) {
      ++c.prefetchRedundant;
      return;
    }
    ++c.prefetchIssued;
    prefetchBelow(lvl, line);
    prefetchFill(lvl, line, true);
  }

  // Fills `line` (absent) into `lvl` for a prefetch, marked pending when
  // this level's own prefetcher asked for it: victim as in miss(). (The
  // mark comes before the victim's writeback, which may back-invalidate
  // the line again.)
  void prefetchFill(int lvl, std::uint64_t line, bool own) {
    LevelT& L = levels_[std::size_t(lvl)];
    LevelCounters& c = counters_[std::size_t(lvl)];
    const std::uint64_t set = L.setOf(line);
    const auto v = L.fill(set, line, false);
    // A prefetch is no access of the shadow: the line's id is looked up at
    // its first demand hit.
    if (classify_) wayIds_[std::size_t(lvl)][set * L.ways() + v.way] = ShadowLru::kNoId;
    if (own) prefetchers_[std::size_t(lvl)].pending.insert(line);
    if (v.line == kInvalidLine) return;
    prefetchLeft(lvl, v.line);
    ++c.evictions;
    if (v.dirty) {
      ++c.writebacks;
      below<false>(lvl, v.line, true, nullptr);
    }
    if (inclusive_ && lvl == levelCount_ - 1) backInvalidate(v.line << L.lineShift(), std::uint64_t(1) << L.lineShift());
  }

  // A prefetch request of level `lvl` for its `line`, sent to the level below.
  void prefetchBelow(int lvl, std::uint64_t line) {
    if (lvl + 1 == levelCount_) {
      ++memory_.reads;
      ++memory_.prefetchReads;
      return;
    }
    const int low = lvl + 1;
    const std::uint32_t from = levels_[std::size_t(lvl)].lineShift();
    const std::uint32_t to = levels_[std::size_t(low)].lineShift();
    const std::uint64_t first = (line << from) >> to;
    const std::uint64_t last = (((line + 1) << from) - 1) >> to;
    LevelT& L = levels_[std::size_t(low)];
    LevelCounters& c = counters_[std::size_t(low)];
    for (std::uint64_t l = first;; ++l) {
      ++c.prefetchLookups;
      if (L.lookup(L.setOf(l), l, false) == LevelT::kMiss) {
        ++c.prefetchLookupMisses;
        prefetchBelow(low, l);
        prefetchFill(low, l, false);
      }
      if (l == last) break;
    }
  }

  // Sends a line of level `lvl` (a fetch, a write-through or a writeback) to
  // the level below, which may have a different line size.
  template <bool kEvent>
  void below(int lvl, std::uint64_t line, bool write, AccessEvent* ev) {
    if (lvl + 1 == levelCount_) {
      if (write)
        ++memory_.writes;
      else
        ++memory_.reads;
      if constexpr (kEvent) ev->servedBy = std::uint8_t(levelCount_);
      return;
    }
    const std::uint32_t from = levels_[std::size_t(lvl)].lineShift();
    const std::uint32_t to = levels_[std::size_t(lvl) + 1].lineShift();
    if (from == to) {
      lookup<kEvent>(lvl + 1, line, write, ev);
      return;
    }
    const std::uint64_t first = (line << from) >> to;
    const std::uint64_t last = (((line + 1) << from) - 1) >> to;
    for (std::uint64_t l = first;; ++l) {
      lookup<kEvent>(lvl + 1, l, write, ev);
      if (l == last) break;
    }
  }

  void backInvalidate(std::uint64_t address, std::uint64_t bytes) {
    for (int u = 0; u + 1 < levelCount_; ++u) {
      LevelT& L = levels_[std::size_t(u)];
      const std::uint64_t first = address >> L.lineShift();
      const std::uint64_t last = (address + bytes - 1) >> L.lineShift();
      for (std::uint64_t l = first;; ++l) {
        const auto r = L.invalidate(l);
        if (r.present) {
          if (prefetchOn_) prefetchLeft(u, l);
          ++counters_[std::size_t(u)].invalidations;
          if (r.dirty) {
            ++counters_[std::size_t(u)].writebacks;
            ++memory_.writes;
          }
        }
        if (l == last) break;
      }
    }
  }

  int levelCount_;
  bool writeBack_;
  bool inclusive_;
  bool classify_;
  bool prefetchOn_;
  PrefetchConfig prefetch_;
  std::vector<Prefetcher> prefetchers_;  // per level, when prefetchOn_
  bool batchLoop_ = false;
  bool classifiedLoop_ = false;
  std::uint32_t shift0_ = 0;
  std::vector<LevelT> levels_;
  std::vector<ShadowLru> shadows_;
  // With the three-C split, per level: the shadow id of the line in each
  // (set, way), at set * ways + way (ShadowLru::kNoId: not known).
  std::vector<std::vector<std::uint32_t>> wayIds_;
  std::array<LevelCounters, kMaxLevels> counters_{};
  MemoryCounters memory_;
};

}  // namespace cachescope::sim
