// A set-associative level for LRU and FIFO with any number of ways, stored
// the way Cachegrind does (RecencyLevel uses it for sets of more than 16
// ways, fully associative teaching caches; narrower sets take its faster
// representation):
// each set's lines in order, most recently used (LRU) or most recently
// filled (FIFO) first. The victim is always the last entry, and under LRU
// the line hit is usually the first, so the common hit is one compare and a
// miss needs no scan for the oldest line.
//
// Next to each tag sits a 16-bit word with the line's physical way (what the
// animation and tests see; it moves with the tag) and its dirty bit. Empty
// ways sit at the end, ordered so that the lowest empty way is filled first,
// as the replacement contract in policies.hpp says.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/policies.hpp"
#include "cachesim/set_index.hpp"

namespace cachescope::sim {

template <bool kMoveToFront>  // true: LRU, false: FIFO
class OrderedLevel {
 public:
  static constexpr std::uint32_t kMiss = ~std::uint32_t(0);

  OrderedLevel(const LevelConfig& c, std::uint64_t /*seed*/)
      : ways_(c.ways),
        lineShift_(std::uint32_t(std::countr_zero(c.lineBytes))),
        index_(c.sets()),
        tags_(c.sets() * c.ways, kInvalidLine),
        meta_(c.sets() * c.ways) {
    if (c.ways > kWayMask + 1u) throw ConfigError(c.name + ": at most 32768 ways");
    for (std::uint64_t s = 0; s < c.sets(); ++s)
      for (std::uint32_t p = 0; p < ways_; ++p) meta_[s * ways_ + p] = std::uint16_t(ways_ - 1 - p);
  }

  // Makes `set` hold what it holds in `from`, a level of the same geometry
  // (a split count's merge, Hierarchy::absorb).
  void copySet(const OrderedLevel& from, std::uint64_t set) {
    const std::size_t base = std::size_t(set) * ways_;
    std::copy_n(from.tags_.begin() + std::ptrdiff_t(base), ways_, tags_.begin() + std::ptrdiff_t(base));
    std::copy_n(from.meta_.begin() + std::ptrdiff_t(base), ways_, meta_.begin() + std::ptrdiff_t(base));
  }

  std::uint32_t ways() const { return ways_; }
  std::uint64_t sets() const { return index_.sets(); }
  std::uint32_t lineShift() const { return lineShift_; }
  [[gnu::always_inline]] std::uint64_t setOf(std::uint64_t line) const { return index_(line); }

  // On a hit: the physical way, the line becomes most recent (LRU) and dirty
  // when `markDirty`. On a miss: kMiss and nothing changes.
  [[gnu::always_inline]] std::uint32_t lookup(std::uint64_t set, std::uint64_t line, bool markDirty) {
    std::uint64_t* t = &tags_[set * ways_];
    std::uint16_t* m = &meta_[set * ways_];
    if (t[0] == line) [[likely]] {
      m[0] |= markDirty ? kDirty : 0;
      return m[0] & kWayMask;
    }
    return lookupRest(t, m, line, markDirty);
  }

  struct Victim {
    std::uint32_t way;
    std::uint64_t line;  // kInvalidLine: the way was empty
    bool dirty;
  };

  // Puts `line` first in `set`, replacing the last entry.
  Victim fill(std::uint64_t set, std::uint64_t line, bool dirty) {
    std::uint64_t* t = &tags_[set * ways_];
    std::uint16_t* m = &meta_[set * ways_];
    const std::uint32_t last = ways_ - 1;
    const std::uint16_t way = m[last] & kWayMask;
    Victim v{way, t[last], (m[last] & kDirty) != 0};
    for (std::uint32_t q = last; q > 0; --q) {
      t[q] = t[q - 1];
      m[q] = m[q - 1];
    }
    t[0] = line;
    m[0] = std::uint16_t(way | (dirty ? kDirty : 0));
    return v;
  }

  struct Invalidated {
    bool present;
    bool dirty;
  };
  Invalidated invalidate(std::uint64_t line) {
    const std::uint64_t set = setOf(line);
    std::uint64_t* t = &tags_[set * ways_];
    std::uint16_t* m = &meta_[set * ways_];
    std::uint32_t p = 0;
    while (p < ways_ && t[p] != line) ++p;
    if (p == ways_) return {false, false};
    const bool dirty = (m[p] & kDirty) != 0;
    const std::uint16_t way = m[p] & kWayMask;
    for (std::uint32_t q = p; q + 1 < ways_; ++q) {
      t[q] = t[q + 1];
      m[q] = m[q + 1];
    }
    // Into the empty tail, which is kept in descending way order so that the
    // last entry (the next to fill) is the lowest empty way.
    std::uint32_t q = ways_ - 1;
    while (q > 0 && t[q - 1] == kInvalidLine && (m[q - 1] & kWayMask) < way) {
      t[q] = t[q - 1];
      m[q] = m[q - 1];
      --q;
    }
    t[q] = kInvalidLine;
    m[q] = way;
    return {true, dirty};
  }

  bool contains(std::uint64_t line) const {
    const std::uint64_t* t = &tags_[setOf(line) * ways_];
    for (std::uint32_t p = 0; p < ways_; ++p)
      if (t[p] == line) return true;
    return false;
  }
  std::uint64_t lineAt(std::uint64_t set, std::uint32_t way) const {
    const std::uint32_t p = position(set, way);
    return p < ways_ ? tags_[set * ways_ + p] : kInvalidLine;
  }
  bool dirtyAt(std::uint64_t set, std::uint32_t way) const {
    const std::uint32_t p = position(set, way);
    return p < ways_ && (meta_[set * ways_ + p] & kDirty) != 0;
  }

 private:
  static constexpr std::uint16_t kDirty = 0x8000;
  static constexpr std::uint16_t kWayMask = 0x7fff;

  std::uint32_t lookupRest(std::uint64_t* t, std::uint16_t* m, std::uint64_t line, bool markDirty) {
    for (std::uint32_t p = 1; p < ways_; ++p) {
      if (t[p] != line) continue;
      const std::uint16_t mm = std::uint16_t(m[p] | (markDirty ? kDirty : 0));
      if constexpr (kMoveToFront) {
        for (std::uint32_t q = p; q > 0; --q) {
          t[q] = t[q - 1];
          m[q] = m[q - 1];
        }
        t[0] = line;
        m[0] = mm;
      } else {
        m[p] = mm;
      }
      return mm & kWayMask;
    }
    return kMiss;
  }

  std::uint32_t position(std::uint64_t set, std::uint32_t way) const {
    for (std::uint32_t p = 0; p < ways_; ++p)
      if ((meta_[set * ways_ + p] & kWayMask) == way) return p;
    return ways_;
  }

  std::uint32_t ways_;
  std::uint32_t lineShift_;
  SetIndex index_;
  std::vector<std::uint64_t> tags_;
  std::vector<std::uint16_t> meta_;
};

}  // namespace cachescope::sim
