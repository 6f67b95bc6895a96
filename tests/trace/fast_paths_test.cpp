// The simulator's fast paths against its reference path, on the traces of
// every traceable kernel: the sink's repeated-read filter
// (TraceSink::filterRepeatedReads) and the batch loops (countBatch, with and
// without the three-C split) must give exactly the counts and the final
// contents of count() on every reference in order.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cachesim/hierarchy.hpp"
#include "kernels/registry.hpp"
#include "trace/counting_sink.hpp"
#include "trace/kernel_trace.hpp"
#include "trace/split_count.hpp"

using namespace cachescope;
using namespace cachescope::trace;

namespace {

// The reference path: count() per reference, in order.
template <class H>
class OneByOneSink final : public TraceSink {
 public:
  explicit OneByOneSink(H& h) : h_(h) {}

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t) override {
    for (std::size_t i = 0; i < n; ++i)
      h_.count(address[i], sizeOf(flags[i]), isWrite(flags[i]) ? sim::Op::Write : sim::Op::Read);
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    h_.count(address, size, opOf(kind));
  }

 private:
  H& h_;
};

template <class H>
void requireSame(const H& a, const H& b, const std::string& what) {
  INFO(what);
  for (int l = 0; l < a.levels(); ++l) {
    const sim::LevelCounters x = a.counters(l), y = b.counters(l);
    INFO("level " << l);
    REQUIRE(x.accesses == y.accesses);
    REQUIRE(x.writes == y.writes);
    REQUIRE(x.misses == y.misses);
    REQUIRE(x.evictions == y.evictions);
    REQUIRE(x.writebacks == y.writebacks);
    REQUIRE(x.compulsory == y.compulsory);
    REQUIRE(x.capacity == y.capacity);
    REQUIRE(x.conflict == y.conflict);
    const auto& la = a.level(l);
    const auto& lb = b.level(l);
    for (std::uint64_t set = 0; set < la.sets(); ++set)
      for (std::uint32_t w = 0; w < la.ways(); ++w) {
        REQUIRE(la.lineAt(set, w) == lb.lineAt(set, w));
        REQUIRE(la.dirtyAt(set, w) == lb.dirtyAt(set, w));
      }
  }
  REQUIRE(a.memory().reads == b.memory().reads);
  REQUIRE(a.memory().writes == b.memory().writes);
}

struct Case {
  std::vector<std::string> levels;
  sim::Replacement policy = sim::Replacement::Lru;
  sim::WritePolicy write = sim::WritePolicy::WriteBack;
  bool classes = false;
};

template <class Policy>
void compare(const TracedKernel& k, const sim::HierarchyConfig& c, const std::string& what, std::uint64_t& filtered) {
  using H = sim::Hierarchy<Policy>;
  H fast(c), plain(c);
  auto noPoll = [](std::uint64_t) {};
  CountingSink<H, decltype(noPoll)> sink(fast, noPoll);
  const bool filter = fast.filtersRepeatedReads();
  if (filter) sink.filterRepeatedReads(fast.lineShift0(), fast.level(0).sets());
  // One run's buffers for both (their addresses decide the sets).
  const std::unique_ptr<TraceRun> run = k.prepare();
  run->run(sink);
  sink.flush();
  fast.countFilteredReads(sink.filteredReads());
  filtered += sink.filteredReads();
  OneByOneSink<H> ref(plain);
  run->run(ref);
  ref.flush();
  REQUIRE(sink.references() == ref.references());
  REQUIRE(sink.writes() == ref.writes());
  REQUIRE(sink.references() == k.references());
  requireSame(fast, plain, what);
}

}  // namespace

TEST_CASE("the filter and the batch loops count every kernel's trace as count() does", "[trace]") {
  const std::vector<Case> cases = {
      {{"2K:4:64", "16K:8:64"}},                                   // the two-level batch loop
      {{"2K:8:64", "8K:8:64", "32K:16:64"}},                       // an 8-way L1, a third level
      {{"1536:12:32", "12K:16:64"}, sim::Replacement::Lru},        // mixed line sizes
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Fifo},
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Plru},
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Random},
      {{"4K:32:64", "16K:8:64"}},                                  // a wide L1 (no View)
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Lru, sim::WritePolicy::WriteThrough},
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Lru, sim::WritePolicy::WriteBack, true},  // three-C loop
      {{"3K:4:64", "24K:8:64"}, sim::Replacement::Lru, sim::WritePolicy::WriteBack, true},  // 12 sets
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Fifo, sim::WritePolicy::WriteBack, true},
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Plru, sim::WritePolicy::WriteBack, true},
  };
  int kernelsRun = 0;
  std::uint64_t filtered = 0;
  for (const Kernel& kernel : kernels()) {
    if (!kernel.traceable()) continue;
    KernelTraceSpec spec;
    spec.kernel = kernel.info.id;
    spec.n = 24;
    spec.block = 8;
    spec.density = 0.5;
    const TracedKernel k = resolveKernel(spec);
    ++kernelsRun;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Case& cs = cases[i];
      sim::HierarchyConfig c;
      for (std::size_t l = 0; l < cs.levels.size(); ++l)
        c.levels.push_back(sim::parseLevelSpec(cs.levels[l], "L" + std::to_string(l + 1)));
      c.replacement = cs.policy;
      c.write = cs.write;
      c.missClasses = cs.classes ? sim::MissClasses::On : sim::MissClasses::Off;
      const std::string what = kernel.info.id + ", case " + std::to_string(i);
      switch (cs.policy) {
        case sim::Replacement::Lru: compare<sim::LruPolicy>(k, c, what, filtered); break;
        case sim::Replacement::Fifo: compare<sim::FifoPolicy>(k, c, what, filtered); break;
        case sim::Replacement::Plru: compare<sim::PlruPolicy>(k, c, what, filtered); break;
        case sim::Replacement::Random: compare<sim::RandomPolicy>(k, c, what, filtered); break;
      }
    }
  }
  CHECK(kernelsRun >= 6);
  CHECK(filtered > 0);  // the filter itself was exercised
}

TEST_CASE("the repeated-read filter takes what the hierarchy allows", "[trace]") {
  sim::HierarchyConfig c;
  c.levels = {sim::parseLevelSpec("2K:4:64", "L1"), sim::parseLevelSpec("16K:8:64", "L2")};
  c.missClasses = sim::MissClasses::Off;
  CHECK(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());
  c.missClasses = sim::MissClasses::On;
  CHECK_FALSE(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());  // the shadow orders every access
  c.missClasses = sim::MissClasses::Off;
  c.inclusiveLast = true;
  CHECK_FALSE(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());  // a line may leave L1 from below
  c.inclusiveLast = false;
  c.prefetch.kind = sim::PrefetchKind::NextLine;
  CHECK_FALSE(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());  // a hit may trigger
  c.prefetch.kind = sim::PrefetchKind::None;
  c.write = sim::WritePolicy::WriteThrough;
  CHECK_FALSE(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());  // a write miss allocates nothing
  c.write = sim::WritePolicy::WriteBack;
  c.levels[0] = sim::parseLevelSpec("3K:4:64", "L1");  // 12 sets
  CHECK_FALSE(sim::Hierarchy<sim::LruPolicy>(c).filtersRepeatedReads());

  auto noPoll = [](std::uint64_t) {};
  sim::Hierarchy<sim::LruPolicy> h(c);
  CountingSink<sim::Hierarchy<sim::LruPolicy>, decltype(noPoll)> sink(h, noPoll);
  CHECK_THROWS_AS(sink.filterRepeatedReads(6, 12), std::logic_error);
  CHECK_THROWS_AS(sink.filterRepeatedReads(2, 16), std::logic_error);
}

TEST_CASE("the repeated-read filter keeps the order around unbatchable references", "[trace]") {
  // A trace file's unaligned or large references pass one at a time; the
  // lines they touch must not be taken for their set's last line after.
  sim::HierarchyConfig c;
  c.levels = {sim::parseLevelSpec("1K:2:64", "L1"), sim::parseLevelSpec("8K:4:64", "L2")};
  c.missClasses = sim::MissClasses::Off;
  using H = sim::Hierarchy<sim::LruPolicy>;
  H fast(c), plain(c);
  auto noPoll = [](std::uint64_t) {};
  CountingSink<H, decltype(noPoll)> sink(fast, noPoll);
  sink.filterRepeatedReads(fast.lineShift0(), fast.level(0).sets());
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < 40000; ++i) {
    // A few hot lines (many repeated reads) and some scattered ones.
    std::uint64_t address = 0x10000 + (next() % 4 == 0 ? next() % 32768 : (next() % 6) * 1024 + next() % 64);
    const std::uint32_t size = next() % 12 == 0 ? 16 : 1u << (next() % 4);
    if (next() % 5 != 0) address &= ~std::uint64_t(size - 1);
    const sim::Op op = next() % 7 == 0 ? sim::Op::Write : sim::Op::Read;
    sink.add(address, size, op == sim::Op::Write ? AccessKind::Write : AccessKind::Read);
    plain.count(address, size, op);
  }
  sink.flush();
  fast.countFilteredReads(sink.filteredReads());
  CHECK(sink.filteredReads() > 1000);
  CHECK(sink.references() == 40000);
  requireSame(fast, plain, "random trace");
}

namespace {

template <class Policy>
void compareSplit(const TracedKernel& k, const sim::HierarchyConfig& c, unsigned threads, const std::string& what) {
  using H = sim::Hierarchy<Policy>;
  INFO(what << ", " << threads << " threads");
  H split(c), plain(c);
  const SplitPlan plan = splitPlan(split, threads);
  REQUIRE(plan.threads > 1);
  REQUIRE(plan.threads <= threads);
  auto noPoll = [](std::uint64_t) {};
  const std::unique_ptr<TraceRun> run = k.prepare();
  {
    SplitCounter<H> counter(split, plan);
    CountingSink<SplitCounter<H>, decltype(noPoll)> sink(counter, noPoll);
    if (split.filtersRepeatedReads()) sink.filterRepeatedReads(split.lineShift0(), split.level(0).sets());
    run->runAddresses(sink);
    sink.flush();
    counter.finish();
    split.countFilteredReads(sink.filteredReads());
    REQUIRE(sink.references() == k.references());
  }
  OneByOneSink<H> ref(plain);
  run->run(ref);
  ref.flush();
  requireSame(split, plain, what);
}

sim::HierarchyConfig levels(const std::vector<std::string>& specs, sim::Replacement policy = sim::Replacement::Lru) {
  sim::HierarchyConfig c;
  for (std::size_t l = 0; l < specs.size(); ++l) c.levels.push_back(sim::parseLevelSpec(specs[l], "L" + std::to_string(l + 1)));
  c.replacement = policy;
  c.missClasses = sim::MissClasses::Off;
  return c;
}

}  // namespace

TEST_CASE("a count split by set across threads gives every kernel's counts and contents of one thread", "[trace]") {
  struct SplitCase {
    std::vector<std::string> levels;
    sim::Replacement policy;
  };
  const std::vector<SplitCase> cases = {
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Lru},
      {{"2K:4:64", "16K:8:64"}, sim::Replacement::Fifo},
      {{"2K:8:64", "8K:8:64", "48K:12:64"}, sim::Replacement::Lru},  // a third level (64 sets)
      {{"3K:4:64", "24K:8:64"}, sim::Replacement::Lru},              // 12 sets: two bits to split on
      {{"1536:12:32", "12K:16:64"}, sim::Replacement::Lru},          // mixed line sizes: one bit
      {{"2K:4:64", "20K:20:64"}, sim::Replacement::Lru},             // a 20-way level (16 sets)
      {{"4K:32:64", "16K:8:64"}, sim::Replacement::Fifo},            // a 32-way L1 (2 sets)
  };
  int runs = 0;
  for (const Kernel& kernel : kernels()) {
    if (!kernel.traceable()) continue;
    for (int n : {24, 40}) {
      KernelTraceSpec spec;
      spec.kernel = kernel.info.id;
      spec.n = n;
      spec.block = 8;
      spec.density = 0.5;
      const TracedKernel k = resolveKernel(spec);
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const sim::HierarchyConfig c = levels(cases[i].levels, cases[i].policy);
        for (unsigned threads : {2u, 3u, 5u}) {
          const std::string what = kernel.info.id + " n=" + std::to_string(n) + ", case " + std::to_string(i);
          if (cases[i].policy == sim::Replacement::Fifo)
            compareSplit<sim::FifoPolicy>(k, c, threads, what);
          else
            compareSplit<sim::LruPolicy>(k, c, threads, what);
          ++runs;
        }
      }
    }
  }
  CHECK(runs >= 6 * 2 * 7 * 3);
}

TEST_CASE("the split by set takes the hierarchies whose sets change only by their own lines", "[trace]") {
  sim::HierarchyConfig c = levels({"48K:12:64", "2M:16:64"});
  const SplitPlan two = splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 2);
  CHECK(two.threads == 2);
  CHECK(two.lo == 6);    // above the 64-byte lines
  CHECK(two.bits == 6);  // L1's 64 sets
  CHECK(two.keyBits == 2);  // four keys: one for the thread running the nest, three for the worker
  CHECK(two.owner(0) == 0);
  CHECK(two.owner(1) == 1);
  CHECK(two.owner(3) == 1);
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 1).threads == 1);
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 64).threads == 64);  // 63 workers, 64 keys

  c.missClasses = sim::MissClasses::On;  // the shadow is one fully associative cache over all sets
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 2).threads == 1);
  c.missClasses = sim::MissClasses::Off;
  c.prefetch.kind = sim::PrefetchKind::NextLine;  // a prefetch fills a neighbour's set
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 2).threads == 1);
  c.prefetch.kind = sim::PrefetchKind::None;
  c.inclusiveLast = true;
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 2).threads == 1);
  c.inclusiveLast = false;
  c.replacement = sim::Replacement::Plru;
  c.levels[0] = sim::parseLevelSpec("32K:8:64", "L1");
  CHECK(splitPlan(sim::Hierarchy<sim::PlruPolicy>(c), 2).threads == 1);
  c.replacement = sim::Replacement::Random;  // one random stream over all sets
  CHECK(splitPlan(sim::Hierarchy<sim::RandomPolicy>(c), 2).threads == 1);
  c.replacement = sim::Replacement::Lru;
  c.levels[1] = sim::parseLevelSpec("2M:32:64", "L2");  // more than 16 ways: the ordered representation splits too
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 2).threads == 2);
  c.levels = {sim::parseLevelSpec("1536:4:64", "L1")};  // 6 sets: one bit
  const SplitPlan one = splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 8);
  CHECK(one.bits == 1);
  CHECK(one.threads == 2);
  c.levels = {sim::parseLevelSpec("768:4:64", "L1")};  // 3 sets: nothing to split on
  CHECK(splitPlan(sim::Hierarchy<sim::LruPolicy>(c), 8).threads == 1);
}

TEST_CASE("a split count keeps the order of unaligned and large references of a trace", "[trace]") {
  // References a batch cannot hold reach the split one line at a time;
  // each part must see its lines in the order count() looks them up.
  sim::HierarchyConfig c = levels({"1K:2:64", "8K:4:128"});
  using H = sim::Hierarchy<sim::LruPolicy>;
  H split(c), plain(c);
  const SplitPlan plan = splitPlan(split, 2);
  REQUIRE(plan.threads == 2);
  REQUIRE(plan.lo == 7);  // above L2's 128-byte lines
  auto noPoll = [](std::uint64_t) {};
  std::uint64_t state = 987654321;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  {
    SplitCounter<H> counter(split, plan);
    CountingSink<SplitCounter<H>, decltype(noPoll)> sink(counter, noPoll);
    for (int i = 0; i < 60000; ++i) {
      std::uint64_t address = 0x40000 + (next() % 3 == 0 ? next() % 65536 : (next() % 5) * 4096 + next() % 256);
      const std::uint32_t size = next() % 10 == 0 ? 16u << (next() % 4) : 1u << (next() % 4);
      if (next() % 4 != 0) address &= ~std::uint64_t(size - 1);
      const sim::Op op = next() % 6 == 0 ? sim::Op::Write : sim::Op::Read;
      sink.add(address, size, op == sim::Op::Write ? AccessKind::Write : AccessKind::Read);
      plain.count(address, size, op);
    }
    sink.flush();
    counter.finish();
    CHECK(sink.references() == 60000);
  }
  requireSame(split, plain, "a random trace with straddling references");
}
