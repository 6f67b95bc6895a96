// Tiny caches whose contents are worked out by hand (2 sets, 2-4 ways,
// 4-byte lines: line = address / 4, set = line % 2), then the differential
// test of the fast simulator against tests/cachesim/reference_model.hpp.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "cachesim/cache_model.hpp"
#include "cachesim/set_index.hpp"
#include "platform/host.hpp"
#include "reference_model.hpp"

using namespace cachescope::sim;
using cachescope::SplitMix64;

namespace {

HierarchyConfig tiny(std::uint32_t ways, Replacement r, std::uint32_t sets = 2) {
  HierarchyConfig c;
  c.levels.push_back({"L1", std::uint64_t(sets) * ways * 4, ways, 4});
  c.replacement = r;
  return c;
}

// "H" / "M" per access, all reads.
std::string hitMiss(CacheModel& m, const std::vector<std::uint64_t>& addresses) {
  std::string s;
  for (std::uint64_t a : addresses) s += m.access(a, 4, Op::Read).servedBy == 0 ? 'H' : 'M';
  return s;
}

// The fast model and the plain reference agree on everything observable:
// every counter of every level, each way's line and dirty bit, and the
// traffic to memory.
void requireSameState(CacheModel& fast, refmodel::RefHierarchy& ref, const HierarchyConfig& c, int round) {
  for (int l = 0; l < int(c.levels.size()); ++l) {
    INFO("round " << round << " level " << l << " policy " << toString(c.replacement) << " "
                  << describe(c.levels[std::size_t(l)]) << " " << toString(c.write)
                  << (c.inclusiveLast ? " inclusive" : "") << (c.missClasses == MissClasses::On ? " classes" : ""));
    const LevelCounters a = fast.counters(l), b = ref.counters(l);
    REQUIRE(a.accesses == b.accesses);
    REQUIRE(a.reads == b.reads);
    REQUIRE(a.writes == b.writes);
    REQUIRE(a.hits == b.hits);
    REQUIRE(a.misses == b.misses);
    REQUIRE(a.evictions == b.evictions);
    REQUIRE(a.writebacks == b.writebacks);
    REQUIRE(a.compulsory == b.compulsory);
    REQUIRE(a.capacity == b.capacity);
    REQUIRE(a.conflict == b.conflict);
    REQUIRE(a.invalidations == b.invalidations);
    if (c.missClasses == MissClasses::On) REQUIRE(a.compulsory + a.capacity + a.conflict == a.misses);
    const LevelConfig& lc = c.levels[std::size_t(l)];
    for (std::uint64_t s = 0; s < lc.sets(); ++s)
      for (std::uint32_t w = 0; w < lc.ways; ++w) {
        REQUIRE(fast.lineAt(l, s, w) == ref.lineAt(l, s, int(w)));
        REQUIRE(fast.dirtyAt(l, s, w) == ref.dirtyAt(l, s, int(w)));
      }
  }
  REQUIRE(fast.memory().reads == ref.memory().reads);
  REQUIRE(fast.memory().writes == ref.memory().writes);
}

}  // namespace

TEST_CASE("spec parsing and validation give one-line errors", "[cachesim]") {
  LevelConfig l = parseLevelSpec("48K:12:64", "L1d");
  CHECK(l.sizeBytes == 48 * 1024);
  CHECK(l.ways == 12);
  CHECK(l.lineBytes == 64);
  CHECK(l.sets() == 64);
  CHECK(parseLevelSpec("105M:15:64", "L3").sets() == 114688);
  CHECK(parseLevelSpec("64:16:4", "tiny").sets() == 1);  // fully associative
  CHECK_THROWS_WITH(parseLevelSpec("32K:0:64", "L1d"), Catch::Contains("ways must be >= 1"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:8:48", "L1d"), Catch::Contains("not a power of two"));
  CHECK_THROWS_WITH(parseLevelSpec("1000:8:64", "L2"), Catch::Contains("not a multiple of ways x line"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:8", "L1d"), Catch::Contains("SIZE:WAYS:LINE"));
  CHECK_THROWS_WITH(parseLevelSpec("32Q:8:64", "L1d"), Catch::Contains("size"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:x:64", "L1d"), Catch::Contains("ways"));
  CHECK_THROWS_AS(parseReplacement("mru"), ConfigError);
  CHECK(parseReplacement("plru") == Replacement::Plru);
  HierarchyConfig c = tiny(3, Replacement::Plru);
  CHECK_THROWS_WITH(validate(c), Catch::Contains("power-of-two number of ways"));
  CHECK(toSpec(l) == "48K:12:64");
}

TEST_CASE("line sizes are bounded to 4..4096 bytes", "[cachesim]") {
  // 2^31-byte lines over 64-byte levels made every miss 33.5 M accesses.
  CHECK_THROWS_WITH(parseLevelSpec("1024G:4:2147483648", "L1d"), Catch::Contains("outside 4..4096 bytes"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:8:8192", "L1d"), Catch::Contains("line size 8192 is outside"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:8:1", "L1d"), Catch::Contains("line size 1 is outside"));
  CHECK_THROWS_WITH(parseLevelSpec("32K:8:2", "L1d"), Catch::Contains("outside"));
  CHECK(parseLevelSpec("32K:8:4", "L1d").lineBytes == 4);
  CHECK(parseLevelSpec("32K:8:4096", "L1d").lineBytes == 4096);
  LevelConfig raw{"L2", 1 << 20, 8, 1 << 13};  // built directly, as the GUI and presets may
  CHECK_THROWS_AS(validate(raw), ConfigError);
}

TEST_CASE("a hierarchy whose simulator does not fit in memory is refused before allocating", "[cachesim]") {
  const std::uint64_t gib = std::uint64_t(1) << 30;
  HierarchyConfig c;
  c.missClasses = MissClasses::Off;
  c.levels.push_back(parseLevelSpec("32K:8:64", "L1d"));
  // 64 sets: 64 heads of 32 bytes and 64 x 8 tags of 8 bytes.
  CHECK(simulatorBytes(c).levels == 64 * 32 + 64 * 8 * 8);
  CHECK(simulatorBytes(c).shadows == 0);
  c.missClasses = MissClasses::On;
  CHECK(simulatorBytes(c).shadows == 512 * 52);
  CHECK_NOTHROW(validate(c, 1 * gib));

  // The audit's --l1 256M:1:1 took 10.8 GB: 2^28 one-way sets of 40 bytes
  // (with lines now at least 4 bytes, 1G:1:4 is the same geometry).
  HierarchyConfig big;
  big.missClasses = MissClasses::Off;
  big.levels.push_back(parseLevelSpec("1G:1:4", "L1d"));
  CHECK(simulatorBytes(big).total() == double(std::uint64_t(1) << 28) * 40);
  CHECK_NOTHROW(validate(big, 16 * gib));
  try {
    validate(big, 8 * gib);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    CHECK(what.find("need 10.0 GiB of memory") != std::string::npos);
    CHECK(what.find("6.4 GiB a run may take (80% of the 8.0 GiB available)") != std::string::npos);
  }
  // The three-C shadow counts too, and says so.
  big.missClasses = MissClasses::On;
  CHECK_NOTHROW(validate(big, 0));  // unknown memory: no check
  CHECK_THROWS_WITH(validate(big, 16 * gib), Catch::Contains("for the three-C split"));
  // Every policy's level representation is counted.
  big.missClasses = MissClasses::Off;
  for (Replacement r : {Replacement::Fifo, Replacement::Plru, Replacement::Random}) {
    big.replacement = r;
    CHECK(simulatorBytes(big).levels >= double(std::uint64_t(1) << 28) * 9);
    CHECK_THROWS_AS(validate(big, 2 * gib), ConfigError);
  }
  // Building a model goes through the same check: a level of 2^32 16-way
  // sets (640 GiB) is refused with a message, not a failed allocation.
  HierarchyConfig huge;
  huge.missClasses = MissClasses::Off;
  huge.levels.push_back(parseLevelSpec("4096G:16:64", "L1d"));
  if (cachescope::availableMemoryBytes() > 0) CHECK_THROWS_AS(CacheModel(huge), ConfigError);
  // More lines than the shadow can index is a configuration error too.
  huge.missClasses = MissClasses::On;
  CHECK_THROWS_WITH(validate(huge, 0), Catch::Contains("at most 2^30 lines"));
}

TEST_CASE("fast modulo equals % for odd set counts", "[cachesim]") {
  std::mt19937_64 rng(7);
  for (std::uint64_t sets : std::vector<std::uint64_t>{3, 5, 7, 15, 24, 114688, 1000003, (1ull << 32) - 1}) {
    SetIndex idx(sets);
    for (std::uint64_t x : std::vector<std::uint64_t>{0, 1, sets - 1, sets, sets + 1, ~0ull, ~0ull - 1, 1ull << 63})
      CHECK(idx(x) == x % sets);
    for (int i = 0; i < 20000; ++i) {
      std::uint64_t x = rng() >> (rng() % 64);
      REQUIRE(idx(x) == x % sets);
    }
  }
}

TEST_CASE("LRU and FIFO differ on A B A C A", "[cachesim]") {
  // Set 0 only: lines 0, 2, 4 = addresses 0, 8, 16.
  const std::vector<std::uint64_t> seq = {0, 8, 0, 16, 0};
  CacheModel lru(tiny(2, Replacement::Lru));
  CacheModel fifo(tiny(2, Replacement::Fifo));
  // LRU: C evicts B (least recently used); A still hits.
  CHECK(hitMiss(lru, seq) == "MMHMH");
  // FIFO: C evicts A (first in), so the last A misses (and evicts B).
  CHECK(hitMiss(fifo, seq) == "MMHMM");
  CHECK(lru.lineAt(0, 0, 0) == 0);  // A stayed in way 0
  CHECK(lru.lineAt(0, 0, 1) == 4);  // C replaced B in way 1
  CHECK(fifo.lineAt(0, 0, 0) == 4);  // C replaced A
  CHECK(fifo.lineAt(0, 0, 1) == 0);  // A replaced B
  CHECK(lru.lineAt(0, 1, 0) == kInvalidLine);  // set 1 untouched
  auto c = lru.counters(0);
  CHECK(c.accesses == 5);
  CHECK(c.hits == 2);
  CHECK(c.misses == 3);
  CHECK(c.evictions == 1);
}

TEST_CASE("tree-PLRU differs from LRU on A B C D A E B", "[cachesim]") {
  // 2 sets x 4 ways; set 0 gets lines 0,2,4,6,8 = A B C D E (addresses 0..32).
  const std::vector<std::uint64_t> seq = {0, 8, 16, 24, 0, 32, 8};
  CacheModel lru(tiny(4, Replacement::Lru));
  CacheModel plru(tiny(4, Replacement::Plru));
  // After A B C D A the LRU order is B C D A: E evicts B, so B misses.
  CHECK(hitMiss(lru, seq) == "MMMMHMM");
  // The PLRU tree after A's hit points right, then left: E evicts C (way 2),
  // so B still hits.
  CHECK(hitMiss(plru, seq) == "MMMMHMH");
  CHECK(plru.lineAt(0, 0, 2) == 8);  // E sits where C was
  CHECK(lru.lineAt(0, 0, 1) == 8);   // E replaced B in way 1
  CHECK(lru.lineAt(0, 0, 2) == 2);   // and B came back in place of C
}

TEST_CASE("random replacement is seeded and fills empty ways first", "[cachesim]") {
  HierarchyConfig c = tiny(2, Replacement::Random);
  c.seed = 42;
  CacheModel a(c), b(c);
  // Two lines fill the two ways of set 0 without evicting.
  CHECK(a.access(0, 4, Op::Read).level[0].evicted == false);
  CHECK(a.access(8, 4, Op::Read).level[0].evicted == false);
  b.access(0, 4, Op::Read);
  b.access(8, 4, Op::Read);
  // Each later miss draws once from SplitMix64(seed): way = (next >> 32) * 2 >> 32.
  SplitMix64 rng{42};
  std::mt19937 pick(3);
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t line = 2 * std::uint64_t(2 + pick() % 6);  // set 0, lines 4..14
    const std::uint64_t old0 = a.lineAt(0, 0, 0), old1 = a.lineAt(0, 0, 1);
    AccessEvent e = a.access(line * 4, 4, Op::Read);
    b.access(line * 4, 4, Op::Read);
    if (line == old0 || line == old1) {
      CHECK(e.level[0].hit);
      continue;
    }
    const std::uint32_t expected = std::uint32_t(((rng.next() >> 32) * 2) >> 32);
    REQUIRE(e.level[0].way == expected);
  }
  CHECK(a.lineAt(0, 0, 0) == b.lineAt(0, 0, 0));
  CHECK(a.lineAt(0, 0, 1) == b.lineAt(0, 0, 1));
  c.seed = 43;
  CacheModel d(c);
  std::string sa, sd;
  CacheModel e(tiny(2, Replacement::Random));
  std::mt19937 pick2(5);
  for (int i = 0; i < 300; ++i) {
    const std::uint64_t addr = 8 * (pick2() % 5);
    sd += d.access(addr, 4, Op::Read).servedBy ? 'M' : 'H';
    sa += e.access(addr, 4, Op::Read).servedBy ? 'M' : 'H';
  }
  CHECK(sa != sd);  // another seed, another history
}

TEST_CASE("three-C split on constructed sequences", "[cachesim]") {
  SECTION("conflict: three lines in one set of a 4-line cache") {
    CacheModel m(tiny(2, Replacement::Lru));
    CHECK(hitMiss(m, {0, 8, 16, 0}) == "MMMM");
    auto c = m.counters(0);
    CHECK(c.compulsory == 3);
    CHECK(c.capacity == 0);
    CHECK(c.conflict == 1);  // a 4-line fully associative cache would hold A
  }
  SECTION("capacity: five lines cycled through a 4-line cache") {
    CacheModel m(tiny(2, Replacement::Lru));
    CHECK(hitMiss(m, {0, 4, 8, 12, 16, 0}) == "MMMMMM");
    auto c = m.counters(0);
    CHECK(c.compulsory == 5);
    CHECK(c.capacity == 1);
    CHECK(c.conflict == 0);
  }
  SECTION("switched off: no split, same hits") {
    HierarchyConfig cfg = tiny(2, Replacement::Lru);
    cfg.missClasses = MissClasses::Off;
    CacheModel m(cfg);
    CHECK(hitMiss(m, {0, 8, 16, 0}) == "MMMM");
    auto c = m.counters(0);
    CHECK(c.compulsory + c.capacity + c.conflict == 0);
  }
}

TEST_CASE("accesses that straddle a line boundary touch every line", "[cachesim]") {
  CacheModel m(tiny(2, Replacement::Lru));
  AccessEvent e = m.access(2, 4, Op::Read);  // bytes 2..5: lines 0 and 1
  CHECK(e.lines == 2);
  CHECK(e.servedBy == 1);
  CHECK(m.counters(0).accesses == 2);
  CHECK(m.counters(0).misses == 2);
  CHECK(m.contains(0, 0));
  CHECK(m.contains(0, 4));
  e = m.access(3, 8, Op::Read);  // bytes 3..10: lines 0, 1, 2
  CHECK(e.lines == 3);
  CHECK(m.counters(0).accesses == 5);
  CHECK(m.counters(0).hits == 2);
  e = m.access(4, 4, Op::Read);  // aligned: one line
  CHECK(e.lines == 1);
  CHECK(e.servedBy == 0);
}

TEST_CASE("write-back, write-through and inclusive semantics", "[cachesim]") {
  SECTION("write-back: a dirty victim goes to the level below") {
    HierarchyConfig c;
    c.levels = {{"L1", 4, 1, 4}, {"L2", 16, 4, 4}};
    CacheModel m(c);
    m.access(0, 4, Op::Write);             // L1 miss, L2 miss (read for the fill)
    AccessEvent e = m.access(4, 4, Op::Read);  // evicts dirty line 0 from L1
    CHECK(e.level[0].evicted);
    CHECK(e.level[0].writeback);
    CHECK(e.level[0].evictedAddress == 0);
    CHECK(m.counters(0).writebacks == 1);
    CHECK(m.counters(1).writes == 1);  // the writeback, an L2 hit
    CHECK(m.counters(1).hits == 1);
    CHECK(m.counters(1).reads == 2);
    CHECK(m.memory().reads == 2);
    CHECK(m.memory().writes == 0);
  }
  SECTION("write-through, no-write-allocate") {
    HierarchyConfig c = tiny(2, Replacement::Lru);
    c.write = WritePolicy::WriteThrough;
    CacheModel m(c);
    AccessEvent e = m.access(0, 4, Op::Write);
    CHECK(e.servedBy == 1);
    CHECK_FALSE(e.level[0].filled);
    CHECK_FALSE(m.contains(0, 0));
    m.access(0, 4, Op::Read);   // now it is brought in
    m.access(0, 4, Op::Write);  // hit, and written through
    CHECK(m.memory().writes == 2);
    CHECK(m.counters(0).hits == 1);
    CHECK(m.counters(0).writebacks == 0);
  }
  SECTION("inclusive last level back-invalidates, the default does not") {
    HierarchyConfig c;
    c.levels = {{"L1", 8, 2, 4}, {"L2", 8, 2, 4}};  // both one set of 2 ways
    // A B A C A: the L1 hit on A does not refresh A in L2, so L2 evicts A for C.
    const std::vector<std::uint64_t> seq = {0, 4, 0, 8, 0};
    CacheModel plain(c);
    CHECK(hitMiss(plain, seq) == "MMHMH");  // L1 evicted B, kept A
    c.inclusiveLast = true;
    CacheModel incl(c);
    CHECK(hitMiss(incl, seq) == "MMHMM");   // L2's eviction of A removed it from L1
    CHECK(incl.counters(0).invalidations >= 1);
    CHECK(plain.counters(0).invalidations == 0);
  }
}

TEST_CASE("event names the set and way of every level it reached", "[cachesim]") {
  HierarchyConfig c;
  c.levels = {{"L1", 16, 2, 4}, {"L2", 64, 4, 4}};
  CacheModel m(c);
  AccessEvent e = m.access(12, 4, Op::Read);  // line 3: L1 set 1, L2 set 3
  CHECK(e.servedBy == 2);
  CHECK(e.level[0].looked);
  CHECK(e.level[0].set == 1);
  CHECK(e.level[0].filled);
  CHECK(e.level[1].set == 3);
  CHECK(e.level[1].way == 0);
  e = m.access(12, 4, Op::Read);
  CHECK(e.servedBy == 0);
  CHECK(e.level[0].hit);
  CHECK_FALSE(e.level[1].looked);
}

TEST_CASE("fast simulator equals the reference model on random traces", "[cachesim]") {
  std::mt19937_64 rng(2024);
  const Replacement policies[] = {Replacement::Lru, Replacement::Fifo, Replacement::Plru, Replacement::Random};
  const std::uint32_t setChoices[] = {1, 2, 3, 5, 6, 7, 8, 12};
  const std::uint32_t lineChoices[] = {4, 8, 16, 32, 64};
  int configs = 0;
  for (int round = 0; round < 160; ++round) {
    HierarchyConfig c;
    c.replacement = policies[round % 4];
    c.seed = rng();
    c.write = rng() % 3 == 0 ? WritePolicy::WriteThrough : WritePolicy::WriteBack;
    c.inclusiveLast = rng() % 3 == 0;
    c.missClasses = MissClasses::On;
    const int nLevels = 1 + int(rng() % 3);
    std::uint32_t sameLine = lineChoices[rng() % 5];
    for (int l = 0; l < nLevels; ++l) {
      std::uint32_t ways = c.replacement == Replacement::Plru ? (1u << (rng() % 4)) : std::uint32_t(1 + rng() % 6);
      std::uint32_t sets = setChoices[rng() % 8] * std::uint32_t(l + 1);
      std::uint32_t line = rng() % 4 == 0 ? lineChoices[rng() % 5] : sameLine;
      c.levels.push_back({"L" + std::to_string(l + 1), std::uint64_t(sets) * ways * line, ways, line});
    }
    CacheModel fast(c);
    refmodel::RefHierarchy ref(c);
    const std::uint64_t span = 64 + rng() % 2048;
    std::uint64_t cursor = 0;
    for (int i = 0; i < 3000; ++i) {
      // Mix of streaming and random reuse, some straddling sizes.
      std::uint64_t addr = rng() % 2 ? (cursor += 1 + rng() % 8) % span : rng() % span;
      addr += 0x10000;
      const std::uint32_t size = std::uint32_t(1u << (rng() % 4)) + (rng() % 8 == 0 ? 3 : 0);
      const bool write = rng() % 4 == 0;
      if (i % 2)
        fast.count(addr, size, write ? Op::Write : Op::Read);
      else
        fast.access(addr, size, write ? Op::Write : Op::Read);
      ref.access(addr, size, write);
    }
    requireSameState(fast, ref, c, round);
    ++configs;
  }
  CHECK(configs == 160);
}

// countBatch's inline loop (LRU/FIFO, at most 16 ways, write-back, no
// three-C shadow) and its fallbacks (more ways, other policies, mixed line
// sizes, write-through, the shadow) against the reference model, with
// batches of random length, unbatchable references and the event path
// interleaved, references larger than a 4-byte line, and high addresses.
// Dirty bits are compared too.
TEST_CASE("batched counting equals the reference model", "[cachesim]") {
  std::mt19937_64 rng(77);
  const Replacement policies[] = {Replacement::Lru, Replacement::Lru, Replacement::Fifo, Replacement::Plru,
                                  Replacement::Random};
  const std::uint32_t wayChoices[] = {1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 24};
  const std::uint32_t setChoices[] = {1, 2, 3, 4, 5, 8, 12, 16};
  int inlineRuns = 0, fastRuns = 0, fast8Runs = 0, rounds = 0;
  for (int round = 0; round < 300; ++round) {
    HierarchyConfig c;
    c.replacement = policies[round % 5];
    c.seed = rng();
    c.write = rng() % 6 == 0 ? WritePolicy::WriteThrough : WritePolicy::WriteBack;
    c.inclusiveLast = rng() % 4 == 0;
    c.missClasses = rng() % 5 == 0 ? MissClasses::On : MissClasses::Off;
    const int nLevels = 1 + int(rng() % 3);
    // 64-byte lines with power-of-two set counts take the specialised loop
    // (an 8-way L1 one more), other geometries the general one.
    // Every sixth round is shaped like a host: 64-byte lines, power-of-two
    // sets, an 8-way L1.
    const bool hostLike = round % 6 == 0;
    const std::uint32_t line = hostLike || rng() % 3 == 0 ? 64 : 1u << (2 + rng() % 4);
    for (int l = 0; l < nLevels; ++l) {
      std::uint32_t ways = c.replacement == Replacement::Plru ? (1u << (rng() % 5)) : wayChoices[rng() % 11];
      std::uint32_t sets = setChoices[rng() % 8] * std::uint32_t(l + 1);
      std::uint32_t lineBytes = rng() % 8 == 0 ? line * 2 : line;
      if (hostLike) {
        sets = 1u << (rng() % 4 + std::uint32_t(l));
        lineBytes = 64;
        if (l == 0) ways = 8;
      }
      std::string name = "L";  // (not "L" + to_string: a GCC 12 -Wrestrict false positive)
      name += std::to_string(l + 1);
      c.levels.push_back({name, std::uint64_t(sets) * ways * lineBytes, ways, lineBytes});
    }
    CacheModel fast(c);
    refmodel::RefHierarchy ref(c);
    const bool inlineLoop = fast.visit([](const auto& h) { return h.batchesInline(); });
    inlineRuns += inlineLoop ? 1 : 0;
    const auto pow2 = [](std::uint64_t v) { return (v & (v - 1)) == 0; };
    fastRuns += inlineLoop && c.levels[0].lineBytes == 64 && pow2(c.levels[0].sets()) &&
                (nLevels == 1 || pow2(c.levels[1].sets()));
    fast8Runs += inlineLoop && c.levels[0].lineBytes == 64 && c.levels[0].ways == 8 && nLevels > 1 &&
                 pow2(c.levels[0].sets()) && pow2(c.levels[1].sets());
    const std::uint64_t span = 256 + rng() % 4096 + (line == 64 ? rng() % 16384 : 0);
    const std::uint64_t base = rng() % 4 == 0 ? (std::uint64_t(1) << 60) : 0x10000;
    std::uint64_t cursor = 0;
    std::vector<std::uint64_t> addresses;
    std::vector<RefFlags> flags;
    auto flush = [&] {
      fast.countBatch(addresses.data(), flags.data(), addresses.size());
      addresses.clear();
      flags.clear();
    };
    std::size_t batchLength = 1 + rng() % 300;
    for (int i = 0; i < 4000; ++i) {
      const std::uint32_t size = std::uint32_t(1u << (rng() % 4)) + (rng() % 16 == 0 ? 5 : 0);
      std::uint64_t addr = base + (rng() % 2 ? (cursor += 1 + rng() % 8) % span : rng() % span);
      if (rng() % 8 != 0) addr &= ~std::uint64_t(size - 1);  // mostly aligned, as a loop nest's
      const bool write = rng() % 4 == 0;
      const Op op = write ? Op::Write : Op::Read;
      ref.access(addr, size, write);
      if (!batchable(addr, size) || rng() % 50 == 0) {  // in order: the batch first
        flush();
        if (rng() % 2)
          fast.access(addr, size, op);
        else
          fast.count(addr, size, op);
        continue;
      }
      addresses.push_back(addr);
      flags.push_back(batchFlags(size, op));
      if (addresses.size() >= batchLength) {
        flush();
        batchLength = 1 + rng() % 300;
      }
    }
    flush();
    requireSameState(fast, ref, c, round);
    ++rounds;
  }
  CHECK(rounds == 300);
  // The inline loops themselves must have been exercised, not only the
  // fallback.
  CHECK(inlineRuns >= 60);
  CHECK(fastRuns >= 20);
  CHECK(fast8Runs >= 10);
}

TEST_CASE("host-like geometry takes the inline batch loop", "[cachesim]") {
  HierarchyConfig c;
  c.levels = {{"L1d", 32768, 8, 64}, {"L2", 1 << 20, 8, 64}, {"L3", 15 * 2048 * 64, 15, 64}};
  c.missClasses = MissClasses::Off;
  for (Replacement r : {Replacement::Lru, Replacement::Fifo}) {
    c.replacement = r;
    CacheModel m(c);
    CHECK(m.visit([](const auto& h) { return h.batchesInline(); }));
  }
  c.replacement = Replacement::Lru;
  c.missClasses = MissClasses::On;
  CHECK_FALSE(CacheModel(c).visit([](const auto& h) { return h.batchesInline(); }));
}
