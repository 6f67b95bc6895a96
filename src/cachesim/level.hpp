// A set-associative level for the policies with per-way state (tree-PLRU,
// random): an array of line numbers, `ways` per set, set after set, each line
// in a fixed physical way. The replacement policy is a template parameter.
// (LRU and FIFO use recency_level.hpp; LevelFor picks.)
// Tags are whole line numbers (address >> log2(line)), so a resident line's
// address is tag << log2(line) without knowing the set.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/policies.hpp"
#include "cachesim/set_index.hpp"

namespace cachescope::sim {

template <class Policy>
class Level {
 public:
  static constexpr std::uint32_t kMiss = ~std::uint32_t(0);

  Level(const LevelConfig& c, std::uint64_t seed)
      : ways_(c.ways),
        lineShift_(std::uint32_t(std::countr_zero(c.lineBytes))),
        index_(c.sets()),
        tags_(c.sets() * c.ways, kInvalidLine),
        dirty_(c.sets() * c.ways, 0),
        lastWay_(c.sets(), 0),
        policy_(c.sets(), c.ways, seed) {}

  std::uint32_t ways() const { return ways_; }
  std::uint64_t sets() const { return index_.sets(); }
  std::uint32_t lineShift() const { return lineShift_; }
  [[gnu::always_inline]] std::uint64_t setOf(std::uint64_t line) const { return index_(line); }

  // The way holding `line` in `set`, or ways() when absent. The way used
  // last in the set is tried first: consecutive accesses to one line (a row
  // walked element by element) then cost one compare. Otherwise all ways are
  // compared without an early exit: where a line sits is data-dependent, and
  // a mispredicted loop exit costs more than the extra compares.
  [[gnu::always_inline]] std::uint32_t find(std::uint64_t set, std::uint64_t line) const {
    const std::uint64_t* t = &tags_[set * ways_];
    const std::uint32_t last = lastWay_[set];
    if (t[last] == line) [[likely]]
      return last;
    return scan(t, line);
  }

  std::uint32_t scan(const std::uint64_t* t, std::uint64_t line) const {
    if (ways_ <= 32) {
      std::uint64_t mask = std::uint64_t(1) << ways_;
      for (std::uint32_t w = 0; w < ways_; ++w) mask |= std::uint64_t(t[w] == line) << w;
      return std::uint32_t(std::countr_zero(mask));
    }
    for (std::uint32_t w = 0; w < ways_; ++w)
      if (t[w] == line) return w;
    return ways_;
  }

  // On a hit: the way, with the policy told and the line dirty when
  // `markDirty`. On a miss: kMiss and nothing changes.
  [[gnu::always_inline]] std::uint32_t lookup(std::uint64_t set, std::uint64_t line, bool markDirty) {
    const std::uint32_t way = find(set, line);
    if (way == ways_) return kMiss;
    lastWay_[set] = way;
    policy_.onHit(set, way);
    if (markDirty) dirty_[set * ways_ + way] = 1;
    return way;
  }

  bool contains(std::uint64_t line) const {
    const std::uint64_t set = setOf(line);
    return find(set, line) != ways_;
  }

  struct Victim {
    std::uint32_t way;
    std::uint64_t line;  // kInvalidLine: the way was empty
    bool dirty;
  };

  // Puts `line` into `set`, replacing the policy's victim.
  Victim fill(std::uint64_t set, std::uint64_t line, bool dirty) {
    const std::size_t base = set * ways_;
    const std::uint32_t w = policy_.victim(set, &tags_[base]);
    Victim v{w, tags_[base + w], dirty_[base + w] != 0};
    tags_[base + w] = line;
    dirty_[base + w] = dirty ? 1 : 0;
    policy_.onFill(set, w);
    lastWay_[set] = w;
    return v;
  }

  // Removes `line` if resident; returns whether it was there and dirty.
  struct Invalidated {
    bool present;
    bool dirty;
  };
  Invalidated invalidate(std::uint64_t line) {
    const std::uint64_t set = setOf(line);
    const std::uint32_t w = find(set, line);
    if (w == ways_) return {false, false};
    const std::size_t i = set * ways_ + w;
    Invalidated r{true, dirty_[i] != 0};
    tags_[i] = kInvalidLine;
    dirty_[i] = 0;
    policy_.onInvalidate(set, w);
    return r;
  }

  // Contents, for the animation and tests: the line number in (set, way), or
  // kInvalidLine.
  std::uint64_t lineAt(std::uint64_t set, std::uint32_t way) const { return tags_[set * ways_ + way]; }
  bool dirtyAt(std::uint64_t set, std::uint32_t way) const { return dirty_[set * ways_ + way] != 0; }

 private:
  std::uint32_t ways_;
  std::uint32_t lineShift_;
  SetIndex index_;
  std::vector<std::uint64_t> tags_;
  std::vector<std::uint8_t> dirty_;
  std::vector<std::uint32_t> lastWay_;  // per set: the way hit or filled last
  Policy policy_;
};

}  // namespace cachescope::sim
