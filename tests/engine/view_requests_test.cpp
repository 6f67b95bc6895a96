// The Cache, Access and Threads views' requests on the worker with a fake
// engine: which kernels are simulated (the selection's traced ones), on which
// hierarchy (preset, overrides, policies), with which block; the animation's
// own size, block and speed; the one-thread reference of the Threads view.
#include <catch2/catch.hpp>

#include <mutex>

#include "engine/worker.hpp"
#include "kernels/registry.hpp"

using namespace cachescope;
using namespace cachescope::engine;
using namespace std::chrono_literals;

namespace {

struct SimulateSpy {
  std::mutex mutex;
  std::vector<trace::SimulationRequest> seen;

  Engine engine() {
    Engine e;
    e.simulate = [this](const trace::SimulationRequest& req) {
      {
        std::lock_guard lock(mutex);
        seen.push_back(req);
      }
      trace::SimulationResult r;
      r.cache = req.cache;
      r.cache.missClasses = req.missClasses.value_or(false) ? sim::MissClasses::On : sim::MissClasses::Off;
      for (std::size_t l = 0; l < req.cache.levels.size(); ++l) {
        sim::LevelCounters c;
        c.accesses = 100;
        c.hits = 60;
        c.misses = 40;
        r.levels.push_back(c);
      }
      r.sampleFraction = req.sample;
      return r;
    };
    return e;
  }
};

Request cache(std::vector<std::string> kernels, int n = 64, int block = 16) {
  Request r;
  r.kind = RequestKind::Cache;
  r.settings.kernels = std::move(kernels);
  r.settings.params.n = n;
  r.settings.params.block = block;
  return r;
}

}  // namespace

TEST_CASE("cache view: every selected traced kernel is a side, the untraced are named with why") {
  SimulateSpy spy;
  Worker w(spy.engine());
  w.post(cache({"matmul.naive", "matmul.reordered", "matmul.blas", "matmul.blocked"}));
  REQUIRE(w.waitIdle(10s));
  auto s = w.snapshot();
  REQUIRE(s->cache);
  const CacheRun& c = *s->cache;
  CHECK(s->error.empty());
  CHECK(c.complete);
  CHECK_FALSE(c.fallback);
  REQUIRE(c.sides.size() == 3);
  CHECK(c.sides[0].kernel == "matmul.naive");
  CHECK(c.sides[1].kernel == "matmul.reordered");
  CHECK(c.sides[2].kernel == "matmul.blocked");
  REQUIRE(c.untraced.size() == 1);
  CHECK(c.untraced[0].kernel == "matmul.blas");
  CHECK(c.untraced[0].why == findKernel("matmul.blas")->info.traceNote);
  CHECK_FALSE(c.untraced[0].why.empty());
  CHECK(c.sweepKernel == kernelRoles().blockSweep);
  CHECK(c.sweep.size() == c.sweepBlocks.size());
}

TEST_CASE("cache view: without a kernel using a block there is no block sweep; without a traced one, the pair") {
  SimulateSpy spy;
  Worker w(spy.engine());
  w.post(cache({"matmul.naive", "matmul.reordered"}));
  REQUIRE(w.waitIdle(10s));
  auto s = w.snapshot();
  REQUIRE(s->cache);
  CHECK(s->cache->sides.size() == 2);
  CHECK(s->cache->sweepKernel.empty());
  CHECK(s->cache->sweepBlocks.empty());
  {
    std::lock_guard lock(spy.mutex);
    CHECK(spy.seen.size() == 2);  // the two sides, no sweep
  }

  w.post(cache({"matmul.blas"}));
  REQUIRE(w.waitIdle(10s));
  s = w.snapshot();
  REQUIRE(s->cache);
  CHECK(s->cache->fallback);
  CHECK(s->cache->kernels == kernelRoles().comparePair);
  REQUIRE(s->cache->untraced.size() == 1);
}

TEST_CASE("cache view: the preset, level overrides and policies reach the simulator") {
  SimulateSpy spy;
  Worker w(spy.engine());
  Request r = cache({"matmul.naive"});
  r.caches = "teaching-small";
  r.l1 = "2K:2:64";
  r.l3 = "none";
  r.replacement = "fifo";
  r.writePolicy = "through";
  w.post(r);
  REQUIRE(w.waitIdle(10s));
  auto s = w.snapshot();
  REQUIRE(s->cache);
  CHECK(s->error.empty());
  const CacheRun& c = *s->cache;
  CHECK(c.cacheName == "teaching-small with L1 2K:2:64, L3 none");
  CHECK(c.levelNames.size() == 2);
  CHECK(c.levelBytes[0] == 2048);
  CHECK(c.levelBytes[1] == 32 * 1024);
  CHECK(c.replacement == std::string(sim::toString(sim::Replacement::Fifo)));
  CHECK(c.writePolicy == std::string(sim::toString(sim::WritePolicy::WriteThrough)));
  std::lock_guard lock(spy.mutex);
  REQUIRE_FALSE(spy.seen.empty());
  for (const auto& q : spy.seen) {
    REQUIRE(q.cache.levels.size() == 2);
    CHECK(q.cache.levels[0].sizeBytes == 2048);
    CHECK(q.cache.levels[0].ways == 2);
    CHECK(q.cache.replacement == sim::Replacement::Fifo);
    CHECK(q.cache.write == sim::WritePolicy::WriteThrough);
  }
}

TEST_CASE("cache view: a bad override is an error naming it, the worker stays usable") {
  SimulateSpy spy;
  Worker w(spy.engine());
  Request r = cache({"matmul.naive"});
  r.l2 = "100:1:64";  // 100 bytes is not a whole number of 64-byte lines
  w.post(r);
  REQUIRE(w.waitIdle(10s));
  CHECK(w.snapshot()->error.find("cache simulation") != std::string::npos);
  w.post(cache({"matmul.naive"}));
  REQUIRE(w.waitIdle(10s));
  CHECK(w.snapshot()->error.empty());
}

TEST_CASE("cache view: the block simulated is at most n and the chosen one is kept") {
  SimulateSpy spy;
  Worker w(spy.engine());
  w.post(cache({"matmul.blocked"}, 17, 64));
  REQUIRE(w.waitIdle(10s));
  auto s = w.snapshot();
  REQUIRE(s->cache);
  CHECK(s->cache->block == 17);
  CHECK(s->cache->chosenBlock == 64);
  std::lock_guard lock(spy.mutex);
  REQUIRE_FALSE(spy.seen.empty());
  CHECK(spy.seen[0].kernel.block == 17);
}

TEST_CASE("access view: sides follow the selection's traced kernels, its own size and a block below n") {
  CHECK(followedAnimationKernels({"matmul.naive", "matmul.blas", "matmul.blocked"}) ==
        std::vector<std::string>{"matmul.naive", "matmul.blocked"});
  CHECK(followedAnimationKernels({"matmul.blas"}) == kernelRoles().comparePair);
  // At most three sides.
  std::vector<std::string> many;
  for (const Kernel& k : kernels())
    if (k.traceable()) many.push_back(k.info.id);
  REQUIRE(many.size() > kMaxAnimationSides);
  CHECK(followedAnimationKernels(many).size() == kMaxAnimationSides);

  CHECK(animationSize(0, 512) == kDefaultAnimationN);
  CHECK(animationSize(0, 48) == 48);
  CHECK(animationSize(96, 512) == 96);
  CHECK(animationBlock(64, 32) == 8);   // the slider's default would make blocked one tile
  CHECK(animationBlock(64, 64) == 16);
  CHECK(animationBlock(8, 32) == 8);
  CHECK(animationBlock(64, 128) == 64);
  CHECK(animationCaches("", kDefaultAnimationN) == "teaching-tiny");
}

TEST_CASE("access view: the default speed plays a run through within a minute") {
  for (std::uint64_t accesses : {std::uint64_t(500), std::uint64_t(66'560), std::uint64_t(1'000'000),
                                 std::uint64_t(8'000'000)}) {
    const double speed = playThroughSpeed(accesses);
    CHECK(double(accesses) / speed <= 40.0);
    CHECK(double(accesses) / speed >= 40.0 / 5.01);  // rounded up to 1, 2, 5 x 10^k: not much faster
  }
  CHECK(playThroughSpeed(66'560) == 2000);
  CHECK(playThroughSpeed(10) == kMinSpeed);
}

TEST_CASE("access view: the request's own size and block reach the recorder") {
  Engine e;
  std::mutex m;
  std::vector<AnimationSpec> specs;
  e.recordAccessTrace = [&](const AnimationSpec& spec, const std::string& kernel, const std::atomic<bool>*,
                            std::atomic<double>*) {
    {
      std::lock_guard lock(m);
      specs.push_back(spec);
    }
    auto tr = std::make_shared<AccessTrace>();
    tr->kernel = kernel;
    tr->n = spec.n;
    return std::shared_ptr<const AccessTrace>(tr);
  };
  Worker w(e);
  Request r;
  r.kind = RequestKind::Animation;
  r.settings.params.n = 512;
  r.settings.params.block = 64;
  r.animationN = 32;
  r.animationBlock = 8;
  r.caches = "teaching-tiny";
  r.animationKernels = {"matmul.naive", "matmul.blocked"};
  w.post(r);
  REQUIRE(w.waitIdle(10s));
  std::lock_guard lock(m);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].n == 32);
  CHECK(specs[0].block == 8);
  CHECK(specs[0].cacheName == "teaching-tiny");
  CHECK(specs[0].cache.levels.front().sizeBytes == 256);
}

TEST_CASE("threads view: a run on more threads also times one thread for the speedup") {
  Engine e;
  std::mutex m;
  std::vector<int> threads;
  e.recordThreads = [&](const Params& p, const std::atomic<bool>*, std::atomic<double>*) {
    {
      std::lock_guard lock(m);
      threads.push_back(p.threads);
    }
    ThreadsRun run;
    run.n = p.n;
    run.threads = p.threads;
    run.plainMedianS = 0.02 / p.threads;
    run.records = {{0, 0, 0, p.n, p.n, 0, p.n, 0.0, 0.001}};
    return run;
  };
  Worker w(e);
  Request r;
  r.kind = RequestKind::Threads;
  r.settings.params.n = 128;
  r.settings.params.threads = 2;
  w.post(r);
  REQUIRE(w.waitIdle(10s));
  auto s = w.snapshot();
  REQUIRE(s->threads);
  REQUIRE(s->threadsOne);
  CHECK(s->threads->threads == 2);
  CHECK(s->threadsOne->threads == 1);
  CHECK(s->threadsOne->plainMedianS / s->threads->plainMedianS == Approx(2));
  {
    std::lock_guard lock(m);
    CHECK(threads == std::vector<int>{2, 1});
  }
  r.settings.params.threads = 1;
  w.post(r);
  REQUIRE(w.waitIdle(10s));
  CHECK_FALSE(w.snapshot()->threadsOne);  // one thread: no reference run
}
