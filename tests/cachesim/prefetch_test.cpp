// The hardware-prefetch models of the simulator (config.hpp PrefetchConfig)
// on hand-worked sequences: which demand accesses hit once a next-line or
// stride prefetcher has brought their lines in, and how every proposed
// prefetch is counted (redundant / issued = useful + unused + pending).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "cachesim/cache_model.hpp"

using namespace cachescope::sim;

namespace {

constexpr std::uint64_t kBase = 0x100000;  // page-aligned

HierarchyConfig tiny(std::uint32_t lines, PrefetchKind kind, int degree = 1, int distance = 1) {
  HierarchyConfig c;
  c.levels.push_back({"L1", std::uint64_t(lines) * 64, lines, 64});  // fully associative
  c.missClasses = MissClasses::Off;
  c.prefetch.kind = kind;
  c.prefetch.degree = degree;
  c.prefetch.distance = distance;
  return c;
}

// Reads line numbers (relative to kBase) in order; returns which hit.
std::vector<bool> readLines(CacheModel& m, const std::vector<std::uint64_t>& lines) {
  std::vector<bool> hit;
  for (std::uint64_t l : lines) hit.push_back(m.access(kBase + 64 * l, 8, Op::Read).servedBy == 0);
  return hit;
}

void checkBalance(const LevelCounters& c) {
  CHECK(c.prefetchIssued == c.prefetchUseful + c.prefetchUnused + c.prefetchPending);
}

}  // namespace

TEST_CASE("next-line prefetch: a sequential stream hits after its first miss", "[cachesim][prefetch]") {
  // 4 lines, LRU. 0 misses and brings 1; each first hit of a prefetched
  // line brings the next (tagged), so 1..5 hit.
  CacheModel m(tiny(4, PrefetchKind::NextLine));
  const auto hit = readLines(m, {0, 1, 2, 3, 4, 5});
  CHECK(hit == std::vector<bool>{false, true, true, true, true, true});
  const LevelCounters c = m.counters(0);
  CHECK(c.accesses == 6);
  CHECK(c.misses == 1);
  CHECK(c.prefetchIssued == 6);  // lines 1..6
  CHECK(c.prefetchUseful == 5);  // 1..5
  CHECK(c.prefetchUnused == 0);
  CHECK(c.prefetchPending == 1);  // line 6
  CHECK(c.prefetchRedundant == 0);
  CHECK(c.evictions == 3);  // 0, 1, 2 made room for 4, 5, 6
  CHECK(m.memory().reads == 7);
  CHECK(m.memory().prefetchReads == 6);
  checkBalance(c);
}

TEST_CASE("next-line prefetch: redundant and unused prefetches", "[cachesim][prefetch]") {
  SECTION("a prefetch of a resident line is dropped") {
    CacheModel m(tiny(4, PrefetchKind::NextLine));
    // 1 misses (brings 2); 0 misses, its prefetch of 1 finds 1 resident.
    CHECK(readLines(m, {1, 0}) == std::vector<bool>{false, false});
    const LevelCounters c = m.counters(0);
    CHECK(c.prefetchIssued == 1);
    CHECK(c.prefetchRedundant == 1);
    CHECK(c.prefetchPending == 1);
    checkBalance(c);
  }
  SECTION("a prefetched line evicted before any demand hit is unused") {
    CacheModel m(tiny(2, PrefetchKind::NextLine));
    // 0 misses, brings 1: {1, 0}. 10 misses, evicts 0: {10, 1}; its
    // prefetch of 11 evicts 1, never used.
    CHECK(readLines(m, {0, 10}) == std::vector<bool>{false, false});
    const LevelCounters c = m.counters(0);
    CHECK(c.prefetchIssued == 2);
    CHECK(c.prefetchUseful == 0);
    CHECK(c.prefetchUnused == 1);
    CHECK(c.prefetchPending == 1);  // 11
    checkBalance(c);
    // A second hit on a used prefetched line is an ordinary hit.
    CacheModel n(tiny(4, PrefetchKind::NextLine));
    readLines(n, {0, 1, 1, 1});
    CHECK(n.counters(0).prefetchUseful == 1);
    CHECK(n.counters(0).prefetchIssued == 2);  // 1, then 2 from the first hit of 1
  }
}

TEST_CASE("stride prefetch: a stride of two lines is learned on the third miss", "[cachesim][prefetch]") {
  // Lines 0, 2, 4, ... 30 of one page, 8 lines fully associative. 0 opens
  // the stream, 2 gives stride 2, 4 confirms it and prefetches 6; from
  // then on every access hits a prefetched line, which prefetches the next.
  CacheModel m(tiny(8, PrefetchKind::Stride));
  std::vector<std::uint64_t> lines;
  for (std::uint64_t l = 0; l <= 30; l += 2) lines.push_back(l);
  const auto hit = readLines(m, lines);
  std::vector<bool> expected(lines.size(), true);
  expected[0] = expected[1] = expected[2] = false;
  CHECK(hit == expected);
  const LevelCounters c = m.counters(0);
  CHECK(c.misses == 3);
  CHECK(c.prefetchIssued == 14);  // 6, 8, ..., 32
  CHECK(c.prefetchUseful == 13);  // 6..30
  CHECK(c.prefetchPending == 1);  // 32
  CHECK(c.prefetchRedundant == 0);
  checkBalance(c);
}

TEST_CASE("stride prefetch: degree and distance", "[cachesim][prefetch]") {
  // Stride 1, degree 2, distance 4: the trigger on line l proposes l+4 and
  // l+5. 0, 1, 2 train (2 proposes 6, 7); 3, 4, 5 still miss (their lines
  // were not proposed), each proposes one new line; from 6 on all hit.
  CacheModel m(tiny(32, PrefetchKind::Stride, 2, 4));
  std::vector<std::uint64_t> lines;
  for (std::uint64_t l = 0; l < 16; ++l) lines.push_back(l);
  const auto hit = readLines(m, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i);
    CHECK(hit[i] == (i >= 6));
  }
  const LevelCounters c = m.counters(0);
  // 14 triggers (2..15) propose 28 lines: 6..20 are issued once each, the
  // other 13 proposals find their line already there.
  CHECK(c.prefetchIssued == 15);
  CHECK(c.prefetchRedundant == 13);
  CHECK(c.prefetchUseful == 10);  // 6..15
  CHECK(c.prefetchPending == 5);  // 16..20
  checkBalance(c);
}

TEST_CASE("stride prefetch: streams stop at the 4 KiB page and restart in the next", "[cachesim][prefetch]") {
  // 128 consecutive lines (two pages) through L1 8 lines + L2 64 lines: a
  // sequential line stream (the probe's sequential chase) is served by L1
  // except for three training misses per page.
  HierarchyConfig c = tiny(8, PrefetchKind::Stride);
  c.levels.push_back({"L2", 64 * 64, 8, 64});
  CacheModel m(c);
  std::vector<std::uint64_t> lines;
  for (std::uint64_t l = 0; l < 128; ++l) lines.push_back(l);
  const auto hit = readLines(m, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i);
    CHECK(hit[i] == (i % 64 >= 3));
  }
  const LevelCounters l1 = m.counters(0), l2 = m.counters(1);
  CHECK(l1.misses == 6);
  CHECK(l1.prefetchIssued == 122);  // 3..63 and 67..127: never across the page
  CHECK(l1.prefetchUseful == 122);  // 127 proposes 128, in the next page: dropped
  CHECK(l1.prefetchPending == 0);
  checkBalance(l1);
  // L2 sees L1's six misses as demand accesses and L1's prefetches as
  // prefetch lookups; its own prefetcher learns from the misses 0, 1, 2.
  CHECK(l2.accesses == 6);
  CHECK(l2.prefetchLookups == 122);
  CHECK(l2.prefetchLookupMisses + l2.prefetchIssued + l2.misses == 128);  // each line came from memory once
  CHECK(m.memory().reads == 128);
  checkBalance(l2);
}

TEST_CASE("prefetch none equals the demand-only simulator, and bad prefetch settings are refused", "[cachesim][prefetch]") {
  HierarchyConfig plain;
  plain.levels = {parseLevelSpec("4K:4:64", "L1"), parseLevelSpec("32K:8:64", "L2")};
  plain.missClasses = MissClasses::On;
  HierarchyConfig none = plain;
  none.prefetch = {PrefetchKind::None, 9, 17, 3};  // degree and distance mean nothing without a model
  CacheModel a(plain), b(none);
  std::uint64_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const std::uint64_t addr = kBase + (i % 3 ? (x >> 33) % 65536 : std::uint64_t(i) * 8 % 100000);
    const Op op = (x >> 20) % 4 == 0 ? Op::Write : Op::Read;
    a.count(addr, 4, op);
    b.count(addr, 4, op);
  }
  for (int l = 0; l < 2; ++l) {
    const LevelCounters p = a.counters(l), q = b.counters(l);
    CHECK(p.accesses == q.accesses);
    CHECK(p.misses == q.misses);
    CHECK(p.conflict == q.conflict);
    CHECK(q.prefetchIssued + q.prefetchRedundant + q.prefetchLookups == 0);
  }
  CHECK(a.memory().reads == b.memory().reads);

  HierarchyConfig bad = tiny(4, PrefetchKind::Stride);
  bad.prefetch.degree = 0;
  CHECK_THROWS_AS(CacheModel(bad), ConfigError);
  bad.prefetch.degree = 1;
  bad.prefetch.tableEntries = 0;
  CHECK_THROWS_AS(CacheModel(bad), ConfigError);
  CHECK(describe(parsePrefetch("stride:2:4")) == "stride, degree 2, distance 4");
  CHECK_THROWS_AS(parsePrefetch("next-line:2:4"), ConfigError);
}

TEST_CASE("prefetch: every policy and write mode, event and counting paths agree", "[cachesim][prefetch]") {
  // Random configurations: the event path (access) and the counting path
  // (count/countBatch) give the same counters, the three-C shadow changes no
  // demand count, and every issued prefetch is useful, unused or pending.
  std::uint64_t x = 99;
  auto next = [&] { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; };
  const Replacement policies[] = {Replacement::Lru, Replacement::Fifo, Replacement::Plru, Replacement::Random};
  for (int round = 0; round < 64; ++round) {
    HierarchyConfig c;
    c.replacement = policies[round % 4];
    c.write = round % 5 == 0 ? WritePolicy::WriteThrough : WritePolicy::WriteBack;
    c.inclusiveLast = round % 3 == 0;
    c.missClasses = MissClasses::Off;
    c.prefetch.kind = round % 2 ? PrefetchKind::Stride : PrefetchKind::NextLine;
    c.prefetch.degree = 1 + int(next() % 4);
    if (c.prefetch.kind == PrefetchKind::Stride) c.prefetch.distance = 1 + int(next() % 8);
    c.prefetch.tableEntries = 1 + int(next() % 8);
    const int levels = 1 + int(next() % 3);
    for (int l = 0; l < levels; ++l) {
      const std::uint32_t ways = 1u << (next() % 3), line = round % 7 == 0 && l > 0 ? 128 : 64;
      c.levels.push_back({"L" + std::to_string(l + 1), std::uint64_t(4u << (l + next() % 2)) * ways * line, ways, line});
    }
    HierarchyConfig classes = c;
    classes.missClasses = MissClasses::On;
    CacheModel events(c), counting(c), split(classes);
    std::vector<std::uint64_t> addresses;
    std::vector<RefFlags> flags;
    std::uint64_t cursor = kBase;
    for (int i = 0; i < 4000; ++i) {
      const std::uint64_t r = next();
      const std::uint64_t addr = r % 3 ? (cursor += 8 * (1 + r % 24)) : kBase + (r >> 4) % 32768 * 8;
      const Op op = r % 5 == 0 ? Op::Write : Op::Read;
      events.access(addr, 8, op);
      split.count(addr, 8, op);
      addresses.push_back(addr);
      flags.push_back(batchFlags(8, op));
    }
    counting.countBatch(addresses.data(), flags.data(), addresses.size());
    for (int l = 0; l < levels; ++l) {
      INFO("round " << round << " level " << l);
      const LevelCounters e = events.counters(l), k = counting.counters(l), s = split.counters(l);
      CHECK(e.accesses == k.accesses);
      CHECK(e.misses == k.misses);
      CHECK(e.evictions == k.evictions);
      CHECK(e.writebacks == k.writebacks);
      CHECK(e.prefetchIssued == k.prefetchIssued);
      CHECK(e.prefetchUseful == k.prefetchUseful);
      CHECK(e.prefetchRedundant == k.prefetchRedundant);
      CHECK(e.prefetchLookups == k.prefetchLookups);
      CHECK(s.misses == k.misses);
      CHECK(s.prefetchUseful == k.prefetchUseful);
      CHECK(s.compulsory + s.capacity + s.conflict == s.misses);
      checkBalance(k);
    }
    CHECK(events.memory().reads == counting.memory().reads);
    CHECK(events.memory().writes == counting.memory().writes);
  }
}
