// A plainly written cache hierarchy with the same documented semantics as
// src/cachesim/hierarchy.hpp, for the differential test: per-way structs,
// a switch on the policy, a std::list for the fully associative shadow, no
// tricks. Slow and obviously right is its whole job.
#pragma once

#include <algorithm>
#include <cstdint>
#include <list>
#include <set>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/hierarchy.hpp"
#include "cachesim/policies.hpp"
#include "platform/splitmix.hpp"

namespace refmodel {

using namespace cachescope::sim;
using cachescope::SplitMix64;

struct Way {
  bool valid = false;
  std::uint64_t line = 0;
  bool dirty = false;
  std::uint64_t lastUse = 0;
  std::uint64_t filledAt = 0;
};

struct RefLevel {
  LevelConfig cfg;
  std::uint64_t sets = 0;
  int ways = 0;
  int shift = 0;
  std::vector<std::vector<Way>> data;       // [set][way]
  std::vector<std::vector<int>> plruBits;   // [set][node 1..ways-1]
  std::uint64_t time = 0;
  SplitMix64 rng;
  std::list<std::uint64_t> faRecency;  // front: most recent
  std::set<std::uint64_t> seen;
  LevelCounters c;
};

class RefHierarchy {
 public:
  explicit RefHierarchy(const HierarchyConfig& cfg) : cfg_(cfg) {
    for (std::size_t i = 0; i < cfg.levels.size(); ++i) {
      RefLevel L;
      L.cfg = cfg.levels[i];
      L.sets = L.cfg.sizeBytes / (std::uint64_t(L.cfg.ways) * L.cfg.lineBytes);
      L.ways = int(L.cfg.ways);
      while ((1u << L.shift) < L.cfg.lineBytes) ++L.shift;
      L.data.assign(L.sets, std::vector<Way>(std::size_t(L.ways)));
      L.plruBits.assign(L.sets, std::vector<int>(std::size_t(L.ways), 0));
      L.rng.state = cfg.seed + i * SplitMix64::kGamma;
      levels_.push_back(L);
    }
  }

  void access(std::uint64_t address, std::uint32_t size, bool write) {
    if (size == 0) size = 1;
    const int s = levels_[0].shift;
    for (std::uint64_t line = address >> s; line <= (address + size - 1) >> s; ++line) lineAccess(0, line, write);
  }

  const LevelCounters& counters(int i) const { return levels_[std::size_t(i)].c; }
  MemoryCounters memory() const { return memory_; }
  std::uint64_t lineAt(int lvl, std::uint64_t set, int way) const {
    const Way& w = levels_[std::size_t(lvl)].data[set][std::size_t(way)];
    return w.valid ? w.line : kInvalidLine;
  }
  bool dirtyAt(int lvl, std::uint64_t set, int way) const {
    const Way& w = levels_[std::size_t(lvl)].data[set][std::size_t(way)];
    return w.valid && w.dirty;
  }

 private:
  bool writeBack() const { return cfg_.write == WritePolicy::WriteBack; }

  void lineAccess(int lvl, std::uint64_t line, bool write) {
    RefLevel& L = levels_[std::size_t(lvl)];
    L.c.accesses++;
    if (write) L.c.writes++; else L.c.reads++;
    const std::uint64_t set = line % L.sets;
    const bool allocate = !write || writeBack();

    // the fully associative shadow
    bool seenBefore = L.seen.count(line) > 0;
    L.seen.insert(line);
    auto it = std::find(L.faRecency.begin(), L.faRecency.end(), line);
    bool faHit = it != L.faRecency.end();
    if (faHit) {
      L.faRecency.erase(it);
      L.faRecency.push_front(line);
    } else if (allocate) {
      L.faRecency.push_front(line);
      if (L.faRecency.size() > L.cfg.lines()) L.faRecency.pop_back();
    }

    int hitWay = -1;
    for (int w = 0; w < L.ways; ++w)
      if (L.data[set][std::size_t(w)].valid && L.data[set][std::size_t(w)].line == line) hitWay = w;
    if (hitWay >= 0) {
      L.c.hits++;
      touch(L, set, hitWay, false);
      if (write) {
        if (writeBack()) L.data[set][std::size_t(hitWay)].dirty = true;
        else sendBelow(lvl, line, true);
      }
      return;
    }
    L.c.misses++;
    if (cfg_.missClasses == MissClasses::On) {
      if (!seenBefore) L.c.compulsory++;
      else if (!faHit) L.c.capacity++;
      else L.c.conflict++;
    }
    if (!allocate) {
      sendBelow(lvl, line, true);
      return;
    }
    sendBelow(lvl, line, false);
    const int v = victim(L, set);
    Way old = L.data[set][std::size_t(v)];
    Way& slot = L.data[set][std::size_t(v)];
    slot.valid = true;
    slot.line = line;
    slot.dirty = write && writeBack();
    touch(L, set, v, true);
    if (!old.valid) return;
    L.c.evictions++;
    if (old.dirty) {
      L.c.writebacks++;
      sendBelow(lvl, old.line, true);
    }
    if (cfg_.inclusiveLast && levels_.size() > 1 && lvl + 1 == int(levels_.size())) {
      const std::uint64_t begin = old.line << L.shift;
      const std::uint64_t end = begin + L.cfg.lineBytes;
      for (int u = 0; u < lvl; ++u) {
        RefLevel& U = levels_[std::size_t(u)];
        for (auto& ways : U.data)
          for (Way& w : ways) {
            if (!w.valid) continue;
            const std::uint64_t wb = w.line << U.shift, we = wb + U.cfg.lineBytes;
            if (wb < end && begin < we) {
              U.c.invalidations++;
              if (w.dirty) {
                U.c.writebacks++;
                memory_.writes++;
              }
              w = Way{};
            }
          }
      }
    }
  }

  void sendBelow(int lvl, std::uint64_t line, bool write) {
    if (lvl + 1 == int(levels_.size())) {
      if (write) memory_.writes++; else memory_.reads++;
      return;
    }
    const RefLevel& L = levels_[std::size_t(lvl)];
    const int lowerShift = levels_[std::size_t(lvl) + 1].shift;
    const std::uint64_t begin = line << L.shift;
    const std::uint64_t end = begin + L.cfg.lineBytes;  // exclusive
    for (std::uint64_t l = begin >> lowerShift; l <= (end - 1) >> lowerShift; ++l) lineAccess(lvl + 1, l, write);
  }

  void touch(RefLevel& L, std::uint64_t set, int way, bool fill) {
    L.time++;
    Way& w = L.data[set][std::size_t(way)];
    w.lastUse = L.time;
    if (fill) w.filledAt = L.time;
    if (cfg_.replacement != Replacement::Plru) return;
    // PLRU: walk from the root to the way, pointing every node away from it.
    int lo = 0, hi = L.ways, node = 1;
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      if (way < mid) {
        L.plruBits[set][std::size_t(node)] = 1;
        hi = mid;
        node = 2 * node;
      } else {
        L.plruBits[set][std::size_t(node)] = 0;
        lo = mid;
        node = 2 * node + 1;
      }
    }
  }

  int victim(RefLevel& L, std::uint64_t set) {
    for (int w = 0; w < L.ways; ++w)
      if (!L.data[set][std::size_t(w)].valid) return w;
    switch (cfg_.replacement) {
      case Replacement::Lru: {
        int best = 0;
        for (int w = 1; w < L.ways; ++w)
          if (L.data[set][std::size_t(w)].lastUse < L.data[set][std::size_t(best)].lastUse) best = w;
        return best;
      }
      case Replacement::Fifo: {
        int best = 0;
        for (int w = 1; w < L.ways; ++w)
          if (L.data[set][std::size_t(w)].filledAt < L.data[set][std::size_t(best)].filledAt) best = w;
        return best;
      }
      case Replacement::Plru: {
        int lo = 0, hi = L.ways, node = 1;
        while (hi - lo > 1) {
          const int mid = (lo + hi) / 2;
          if (L.plruBits[set][std::size_t(node)] == 0) {
            hi = mid;
            node = 2 * node;
          } else {
            lo = mid;
            node = 2 * node + 1;
          }
        }
        return lo;
      }
      case Replacement::Random:
        return int(((L.rng.next() >> 32) * std::uint64_t(L.ways)) >> 32);
    }
    return 0;
  }

  HierarchyConfig cfg_;
  std::vector<RefLevel> levels_;
  MemoryCounters memory_;
};

}  // namespace refmodel
