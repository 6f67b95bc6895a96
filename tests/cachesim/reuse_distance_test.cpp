// Mattson's reuse distances and the miss-ratio curve: hand-worked
// distances, and the curve's misses against direct simulations of fully
// associative LRU caches (exactly equal), across the tree's renumbering.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "cachesim/cache_model.hpp"
#include "cachesim/reuse_distance.hpp"

using namespace cachescope::sim;

TEST_CASE("reuse distances of a hand-worked sequence", "[cachesim][mrc]") {
  ReuseDistance rd;
  const std::uint64_t A = 10, B = 20, C = 30;
  const std::uint64_t K = ReuseDistance::kCold;
  std::vector<std::uint64_t> got;
  for (std::uint64_t l : {A, B, C, A, B, B, C, A}) got.push_back(rd.access(l));
  // A B C cold; A: B, C since (2); B: C, A (2); B: none (0); C: A, B (2); A: B, C (2).
  CHECK(got == std::vector<std::uint64_t>{K, K, K, 2, 2, 0, 2, 2});
  CHECK(rd.cold() == 3);
  CHECK(rd.misses(1) == 7);  // only B B hits a one-line cache
  CHECK(rd.misses(2) == 7);
  CHECK(rd.misses(3) == 3);  // the cold ones
  const auto curve = missRatioCurve(rd, 64);
  REQUIRE(curve.size() >= 3);
  CHECK(curve.front().lines == 1);
  CHECK(curve.front().sizeBytes == 64);
  CHECK(curve.back().lines >= 6);  // beyond twice the footprint
  CHECK(curve.back().missRatio == Approx(3.0 / 8.0));
}

TEST_CASE("the miss-ratio curve equals fully associative LRU simulations", "[cachesim][mrc]") {
  // A loop over a working set, a random mix and a stream: 60000 accesses
  // over some 9000 lines, so the time tree is renumbered several times.
  std::vector<std::uint64_t> lines;
  std::uint64_t x = 7;
  for (int i = 0; i < 60000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const std::uint64_t r = x >> 33;
    if (i % 3 == 0)
      lines.push_back(1000 + std::uint64_t(i / 3) % 700);  // a cyclic 700-line loop
    else if (i % 3 == 1)
      lines.push_back(50000 + r % 5000);
    else
      lines.push_back(900000 + std::uint64_t(i));
  }
  ReuseDistance rd;
  for (std::uint64_t l : lines) rd.access(l);
  const auto curve = missRatioCurve(rd, 64);
  for (std::uint64_t size : {1u, 2u, 5u, 16u, 64u, 700u, 701u, 1024u, 4096u}) {
    HierarchyConfig c;
    c.levels.push_back({"FA", size * 64, std::uint32_t(size), 64});
    c.missClasses = MissClasses::Off;
    CacheModel m(c);
    for (std::uint64_t l : lines) m.count(l * 64, 4, Op::Read);
    INFO("fully associative, " << size << " lines");
    CHECK(rd.misses(size) == m.counters(0).misses);
    for (const MissRatioPoint& p : curve)
      if (p.lines == size) CHECK(p.misses == m.counters(0).misses);
  }
  CHECK(rd.accesses() == 60000);
}
