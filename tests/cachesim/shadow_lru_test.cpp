// The three-C shadow (time stamps over a ring) against the plainest fully
// associative LRU cache: a list, most recent first.
#include <catch2/catch.hpp>
#include <algorithm>
#include <list>
#include <random>
#include <set>

#include "cachesim/shadow_lru.hpp"

using cachescope::sim::ShadowLru;

TEST_CASE("the shadow LRU answers as a list-based fully associative LRU cache", "[cachesim]") {
  std::mt19937_64 rng(2024);
  for (std::uint64_t capacity : {1ull, 2ull, 3ull, 7ull, 64ull, 300ull}) {
    ShadowLru shadow(capacity);
    std::list<std::uint64_t> lru;  // most recent first
    std::set<std::uint64_t> seen;
    std::vector<std::uint32_t> idOf(4096, ShadowLru::kNoId);
    // Long enough for many renumberings of the ring; a working set around
    // the capacity, so hits, misses and evictions all occur.
    const std::uint64_t span = capacity * 2 + 3;
    for (int i = 0; i < 60000; ++i) {
      const std::uint64_t line = rng() % 3 == 0 ? rng() % std::min<std::uint64_t>(4096, span * 4) : rng() % span;
      const bool allocate = rng() % 8 != 0;
      const auto it = std::find(lru.begin(), lru.end(), line);
      const bool expectSeen = seen.count(line) != 0;
      const bool expectHit = it != lru.end();
      // Half of the accesses through the id (as the hierarchy does for a hit).
      const bool byId = idOf[line] != ShadowLru::kNoId && rng() % 2 == 0;
      const ShadowLru::Result r = byId ? shadow.touch(idOf[line], allocate) : shadow.access(line, allocate);
      INFO("capacity " << capacity << ", access " << i);
      REQUIRE(r.seen == expectSeen);
      REQUIRE(r.hit == expectHit);
      if (!byId) {
        REQUIRE(r.id != ShadowLru::kNoId);
        if (idOf[line] != ShadowLru::kNoId) REQUIRE(r.id == idOf[line]);
        idOf[line] = r.id;
      }
      seen.insert(line);
      if (expectHit) {
        lru.erase(it);
        lru.push_front(line);
      } else if (allocate) {
        lru.push_front(line);
        if (lru.size() > capacity) lru.pop_back();
      }
    }
  }
}
