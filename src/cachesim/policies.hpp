// Replacement policies, one small type each. A level is a template over its
// policy (level.hpp), so choosing the policy costs nothing per access: no
// branch on a policy id in the hot path.
//
// Shared contract (the tests' reference model follows it too):
// - an empty (invalid) way is filled before anything is evicted, the lowest
//   index first;
// - LRU evicts the way used longest ago, FIFO the way filled longest ago;
// - tree-PLRU keeps ways-1 bits per set in a heap-ordered binary tree; each
//   bit points to the half to evict from next, and an access flips the bits
//   on its path to point away from the way used;
// - random draws one number from its own SplitMix64 stream per eviction
//   from a full set: way = ((next() >> 32) * ways) >> 32. Level i is seeded
//   with seed + i * 0x9e3779b97f4a7c15, so results are reproducible.
#pragma once

#include <cstdint>
#include <vector>

#include "platform/splitmix.hpp"

namespace cachescope::sim {

inline constexpr std::uint64_t kInvalidLine = ~std::uint64_t(0);

inline std::uint32_t firstInvalid(const std::uint64_t* tags, std::uint32_t ways) {
  for (std::uint32_t w = 0; w < ways; ++w)
    if (tags[w] == kInvalidLine) return w;
  return ways;
}

// LRU and FIFO keep no state of their own: their levels keep each set's
// recency order (recency_level.hpp). These are the names the hierarchy is
// instantiated with.
struct LruPolicy {
  static constexpr const char* kName = "lru";
};
struct FifoPolicy {
  static constexpr const char* kName = "fifo";
};

// Tree-PLRU: node 1 is the root, node k has children 2k and 2k+1, leaves
// ways..2*ways-1 are the ways. Bit k set means "evict from the right half".
class PlruPolicy {
 public:
  static constexpr const char* kName = "plru";
  PlruPolicy(std::uint64_t sets, std::uint32_t ways, std::uint64_t /*seed*/) : ways_(ways), bits_(sets, 0) {}
  [[gnu::always_inline]] void onHit(std::uint64_t set, std::uint32_t way) { touch(set, way); }
  void onFill(std::uint64_t set, std::uint32_t way) { touch(set, way); }
  void onInvalidate(std::uint64_t, std::uint32_t) {}
  std::uint32_t victim(std::uint64_t set, const std::uint64_t* tags) {
    std::uint32_t w = firstInvalid(tags, ways_);
    if (w < ways_) return w;
    const std::uint64_t b = bits_[set];
    std::uint32_t node = 1;
    while (node < ways_) node = 2 * node + std::uint32_t((b >> node) & 1);
    return node - ways_;
  }

 private:
  void touch(std::uint64_t set, std::uint32_t way) {
    std::uint64_t b = bits_[set];
    for (std::uint32_t node = way + ways_; node > 1; node >>= 1) {
      const std::uint32_t parent = node >> 1;
      // Came from the left child (even node): point to the right, and back.
      if ((node & 1) == 0)
        b |= std::uint64_t(1) << parent;
      else
        b &= ~(std::uint64_t(1) << parent);
    }
    bits_[set] = b;
  }

  std::uint32_t ways_;
  std::vector<std::uint64_t> bits_;
};

class RandomPolicy {
 public:
  static constexpr const char* kName = "random";
  RandomPolicy(std::uint64_t /*sets*/, std::uint32_t ways, std::uint64_t seed) : ways_(ways), rng_{seed} {}
  void onHit(std::uint64_t, std::uint32_t) {}
  void onFill(std::uint64_t, std::uint32_t) {}
  void onInvalidate(std::uint64_t, std::uint32_t) {}
  std::uint32_t victim(std::uint64_t /*set*/, const std::uint64_t* tags) {
    std::uint32_t w = firstInvalid(tags, ways_);
    if (w < ways_) return w;
    return std::uint32_t(((rng_.next() >> 32) * ways_) >> 32);
  }

 private:
  std::uint32_t ways_;
  SplitMix64 rng_;
};

}  // namespace cachescope::sim
