// The prefetch models on kernels' own access streams: `none` is exactly the
// demand-only simulator (the reference model, which has no prefetch code,
// on the same stream), and a stride prefetcher turns the sequential streams
// of ReLU into prefetch hits; and the miss-ratio curve against the
// three-C shadow on a kernel.
#include <catch2/catch.hpp>

#include "cachesim/cache_model.hpp"
#include "cachesim/reference_model.hpp"
#include "trace/errors.hpp"
#include "trace/kernel_trace.hpp"
#include "trace/simulation.hpp"

using namespace cachescope;
using namespace cachescope::trace;

namespace {

// One stream into the fast model (batched, as simulate() does) and the
// reference model at once.
class BothSink final : public TraceSink {
 public:
  BothSink(sim::CacheModel& fast, refmodel::RefHierarchy& ref) : fast_(fast), ref_(ref) {}

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t) override {
    fast_.countBatch(address, flags, n);
    for (std::size_t r = 0; r < n; ++r) ref_.access(address[r], sizeOf(flags[r]), isWrite(flags[r]));
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    fast_.count(address, size, kind == AccessKind::Write ? sim::Op::Write : sim::Op::Read);
    ref_.access(address, size, kind == AccessKind::Write);
  }

 private:
  sim::CacheModel& fast_;
  refmodel::RefHierarchy& ref_;
};

sim::HierarchyConfig twoLevels(sim::PrefetchConfig prefetch) {
  sim::HierarchyConfig c;
  c.levels = {sim::parseLevelSpec("8K:4:64", "L1d"), sim::parseLevelSpec("64K:8:64", "L2")};
  c.missClasses = sim::MissClasses::Off;
  c.prefetch = prefetch;
  return c;
}

}  // namespace

TEST_CASE("prefetch none on a kernel equals the demand-only reference model", "[trace][prefetch]") {
  // Degree and distance set but no model: nothing of the prefetcher may act,
  // and the batched fast path must still be taken.
  const sim::HierarchyConfig c = twoLevels({sim::PrefetchKind::None, 4, 8, 2});
  sim::CacheModel fast(c);
  refmodel::RefHierarchy ref(c);
  CHECK(fast.visit([](auto& h) { return h.batchesInline(); }));
  const TracedKernel k = resolveKernel({"matmul.naive", 48});
  std::unique_ptr<TraceRun> run = k.prepare();
  BothSink sink(fast, ref);
  run->run(sink);
  sink.flush();
  for (int l = 0; l < 2; ++l) {
    const sim::LevelCounters a = fast.counters(l), b = ref.counters(l);
    INFO("level " << l);
    CHECK(a.accesses == b.accesses);
    CHECK(a.accesses > 0);
    CHECK(a.misses == b.misses);
    CHECK(a.evictions == b.evictions);
    CHECK(a.writebacks == b.writebacks);
    CHECK(a.prefetchIssued + a.prefetchRedundant + a.prefetchLookups == 0);
  }
  CHECK(fast.memory().reads == ref.memory().reads);
  CHECK(fast.memory().writes == ref.memory().writes);
}

TEST_CASE("a stride prefetcher turns ReLU's sequential streams into prefetch hits", "[trace][prefetch]") {
  SimulationRequest req;
  req.kernel = {"relu.naive", 256};
  req.missClasses = true;
  req.cache = twoLevels({});
  const SimulationResult plain = simulate(req);
  req.cache = twoLevels(sim::parsePrefetch("stride"));
  const SimulationResult stride = simulate(req);
  const sim::LevelCounters& p = plain.levels[0];
  const sim::LevelCounters& s = stride.levels[0];
  INFO("L1 misses: none " << p.misses << ", stride " << s.misses);
  CHECK(s.accesses == p.accesses);  // demand accesses are the kernel's
  // x and y: 3 training misses per stream and 4 KiB page of 64 lines.
  CHECK(s.misses * 64 <= p.misses * 3);
  CHECK(s.prefetchUseful * 10 >= s.prefetchIssued * 9);
  CHECK(s.prefetchIssued == s.prefetchUseful + s.prefetchUnused + s.prefetchPending);
  CHECK(stride.cache.prefetch.kind == sim::PrefetchKind::Stride);
}

TEST_CASE("the miss-ratio curve on a kernel equals fully associative LRU simulations", "[trace][mrc]") {
  // The curve at each level's size against the simulator run with a fully
  // associative LRU L1 of that size (ways = lines) on the same kernel:
  // exactly equal. (The three-C split counts only the set-associative
  // cache's misses, so compulsory + capacity is at most this.)
  for (const char* spec : {"3K:3:64", "4K:4:64", "6K:12:32"}) {
    SimulationRequest req;
    req.kernel = {"matmul.naive", 40};
    req.missClasses = true;
    req.mrc = true;
    req.cache.levels = {sim::parseLevelSpec(spec, "L1d")};
    const SimulationResult r = simulate(req);
    REQUIRE(r.mrc);
    INFO(spec);
    const sim::LevelConfig& lc = req.cache.levels[0];
    SimulationRequest fa = req;
    fa.mrc = false;
    fa.cache.levels[0].ways = std::uint32_t(lc.lines());
    const SimulationResult direct = simulate(fa);
    const sim::LevelCounters& l1 = r.levels[0];
    CHECK(r.mrc->lineAccesses == l1.accesses);
    CHECK(r.mrc->distinctLines == l1.compulsory);
    REQUIRE(r.mrc->atLevels.size() == 1);
    CHECK(r.mrc->atLevels[0].misses == direct.levels[0].misses);
    CHECK(r.mrc->atLevels[0].misses >= l1.compulsory + l1.capacity);
    CHECK(r.mrc->points.front().lines == 1);
    CHECK(r.mrc->points.back().lines >= 2 * r.mrc->distinctLines);
    CHECK(r.mrc->points.back().misses == r.mrc->distinctLines);  // beyond the footprint: cold misses only
    for (std::size_t i = 1; i < r.mrc->points.size(); ++i) CHECK(r.mrc->points[i].misses <= r.mrc->points[i - 1].misses);
    // Points on the curve, too: a fully associative cache of each point's size.
    for (std::size_t i = 0; i < r.mrc->points.size(); i += 5) {
      const sim::MissRatioPoint& p = r.mrc->points[i];
      SimulationRequest q = fa;
      q.missClasses = false;
      q.cache.levels[0] = {"L1d", p.sizeBytes, std::uint32_t(p.lines), lc.lineBytes};
      INFO("point " << p.lines << " lines");
      CHECK(simulate(q).levels[0].misses == p.misses);
    }
  }
  SimulationRequest bad;
  bad.kernel = {"matmul.naive", 40};
  bad.cache.levels = {sim::parseLevelSpec("4K:4:64", "L1d")};
  bad.mrc = true;
  bad.sample = 0.5;
  CHECK_THROWS_AS(simulate(bad), SimulationError);
}
