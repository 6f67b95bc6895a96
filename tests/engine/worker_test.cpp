// The worker with a fake engine: no kernel runs, so the tests are fast and
// the timing of cancellation is under the test's control.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "engine/worker.hpp"
#include "kernels/registry.hpp"

using namespace cachescope;
using namespace cachescope::engine;
using namespace std::chrono_literals;

namespace {

struct Call {
  std::string kernel;
  int n = 0, block = 0, threads = 0;
  int reps = 0;
  bool cancelled = false;
};

// Records every job; `block` makes jobs at that n wait for cancellation.
struct FakeEngine {
  std::mutex mutex;
  std::vector<Call> calls;
  std::atomic<int> blockAtN{0};
  std::atomic<bool> entered{false};

  Engine engine() {
    Engine e;
    e.makeProblem = [](Family f, int n) {
      Problem p;
      p.family = f;
      p.n = n;
      return p;
    };
    e.runJob = [this](const Job& j, const Problem&, const RunOptions& o, const std::atomic<bool>* cancel,
                      const ProgressFn& progress) {
      Call c{j.kernel->info.id, j.params.n, j.params.block, j.params.threads, o.reps, false};
      BenchRecord r;
      r.kernel = j.kernel->info.id;
      r.n = j.params.n;
      if (j.kernel->uses(Param::Block)) r.block = j.params.block;
      if (j.kernel->uses(Param::Threads)) r.threads = j.params.threads;
      r.reps = o.reps;
      r.work = j.kernel->work(j.params);
      if (blockAtN.load() == j.params.n) {
        entered = true;
        auto until = std::chrono::steady_clock::now() + 10s;
        while (!cancel->load() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
      }
      if (cancel && cancel->load()) {
        c.cancelled = true;
        r.outcome = Outcome::Cancelled;
      } else {
        if (progress) progress(Progress{0, 1, o.warmup + o.reps, o.warmup + o.reps, r.kernel});
        // A made-up speed per kernel so speedups are checkable: naive 1, others 10.
        const double gflops = r.kernel == "matmul.naive" ? 1.0 : 10.0;
        r.medianS = r.minS = r.maxS = r.meanS = r.work / (gflops * 1e9);
        r.timesS.assign(std::size_t(o.reps), r.medianS);
        r.rate = gflops;
        r.unit = "GFLOP/s";
      }
      std::lock_guard lock(mutex);
      calls.push_back(c);
      return r;
    };
    return e;
  }
};

Request timing(int n, std::vector<std::string> kernels = {"matmul.naive", "matmul.blocked"}) {
  Request r;
  r.kind = RequestKind::Timing;
  r.settings.kernels = std::move(kernels);
  r.settings.params.n = n;
  return r;
}

}  // namespace

TEST_CASE("a timing request publishes a complete snapshot") {
  FakeEngine fake;
  Worker w(fake.engine());
  auto before = w.snapshot();
  const auto id = w.post(timing(128));
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  CHECK(s->version > before->version);
  CHECK(before->timing == std::nullopt);  // an old snapshot never changes
  REQUIRE(s->timing);
  CHECK(s->timing->request == id);
  CHECK(s->timing->complete);
  CHECK(s->timing->records.size() == 2);
  CHECK(s->lastFinished == id);
  REQUIRE(s->history.size() == 1);
  CHECK(s->history.back().n == 128);
  CHECK_FALSE(s->preview);  // small n: no quick look needed
  CHECK(s->error.empty());
}

TEST_CASE("run mine again: only the asked kernel is timed, the others keep their records") {
  FakeEngine fake;
  Worker w(fake.engine());
  w.post(timing(512));
  REQUIRE(w.waitIdle(5s));
  BenchRecord naiveBefore;
  for (const BenchRecord& r : w.snapshot()->timing->records)
    if (r.kernel == "matmul.naive") naiveBefore = r;
  REQUIRE(naiveBefore.medianS > 0);
  {
    std::lock_guard lock(fake.mutex);
    fake.calls.clear();
  }
  Request again = timing(512);
  again.only = {"matmul.blocked"};
  const auto id = w.post(again);
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->timing);
  CHECK(s->timing->request == id);
  CHECK(s->timing->complete);
  CHECK(s->timing->rerun == std::vector<std::string>{"matmul.blocked"});
  REQUIRE(s->timing->records.size() == 2);
  for (const BenchRecord& r : s->timing->records)
    if (r.kernel == "matmul.naive") CHECK(r.medianS == naiveBefore.medianS);
  std::lock_guard lock(fake.mutex);
  REQUIRE_FALSE(fake.calls.empty());
  for (const Call& c : fake.calls) CHECK(c.kernel == "matmul.blocked");  // no quick look, no naive
  CHECK(s->history.size() == 2);
}

TEST_CASE("run mine again without an earlier run at these settings times every kernel") {
  FakeEngine fake;
  Worker w(fake.engine());
  Request again = timing(128);
  again.only = {"matmul.blocked"};
  w.post(again);
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  CHECK(s->timing->rerun.empty());
  CHECK(s->timing->records.size() == 2);
}

TEST_CASE("large n: a quick look at the probe size comes first") {
  FakeEngine fake;
  Worker w(fake.engine());
  w.post(timing(512));
  REQUIRE(w.waitIdle(5s));
  std::lock_guard lock(fake.mutex);
  REQUIRE(fake.calls.size() == 6);
  CHECK(fake.calls[0].n == kProbeN);
  CHECK(fake.calls[0].reps == 1);
  CHECK(fake.calls[1].n == kProbeN);
  // The real size then runs fastest first, one run each: blocked (10
  // GFLOP/s) before naive...
  CHECK(fake.calls[2].n == 512);
  CHECK(fake.calls[2].kernel == "matmul.blocked");
  CHECK(fake.calls[2].reps == 1);
  CHECK(fake.calls[3].kernel == "matmul.naive");
  CHECK(fake.calls[3].reps == 1);
  // ... then the repetitions, fewer for the slower kernel.
  CHECK(fake.calls[4].kernel == "matmul.blocked");
  CHECK(fake.calls[5].kernel == "matmul.naive");
  CHECK(fake.calls[4].reps > fake.calls[5].reps);
  CHECK(fake.calls[5].reps > 1);
  auto s = w.snapshot();
  REQUIRE(s->preview);
  CHECK(s->preview->preview);
  CHECK(s->preview->n == kProbeN);
  REQUIRE(s->timing);
  CHECK(s->timing->n == 512);
  REQUIRE(s->timing->records.size() == 2);
  for (const BenchRecord& r : s->timing->records) CHECK(r.reps > 1);  // the first-look runs were replaced
}

TEST_CASE("a new request cancels the run in flight") {
  FakeEngine fake;
  fake.blockAtN = 200;
  Worker w(fake.engine());
  const auto first = w.post(timing(200));
  for (int i = 0; i < 2000 && !fake.entered; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(fake.entered);
  CHECK(w.progress().busy);
  const auto second = w.post(timing(96));  // the slider moved
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->timing);
  CHECK(s->timing->request == second);
  CHECK(s->timing->complete);
  CHECK(s->timing->n == 96);
  // The cancelled run never reaches the history.
  for (const TimingRun& h : s->history) CHECK(h.request != first);
  std::lock_guard lock(fake.mutex);
  bool sawCancel = false;
  for (const Call& c : fake.calls) sawCancel = sawCancel || (c.n == 200 && c.cancelled);
  CHECK(sawCancel);
}

TEST_CASE("stop cancels the run and drops queued work") {
  FakeEngine fake;
  fake.blockAtN = 200;
  Worker w(fake.engine());
  w.post(timing(200));
  for (int i = 0; i < 2000 && !fake.entered; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(fake.entered);
  Request sweep;
  sweep.kind = RequestKind::Sweep;
  sweep.settings = timing(128).settings;
  sweep.axis = SweepAxis::N;
  w.post(sweep);
  w.stop();
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->timing);
  CHECK(s->timing->outcome == Outcome::Cancelled);
  CHECK_FALSE(s->timing->complete);
  CHECK_FALSE(s->sweep);  // the queued sweep never started
  CHECK_FALSE(w.progress().busy);
}

TEST_CASE("a timing request preempts a sweep, which then runs again") {
  FakeEngine fake;
  fake.blockAtN = 64;  // the sweep's first point waits
  Worker w(fake.engine());
  Request sweep;
  sweep.kind = RequestKind::Sweep;
  sweep.settings = timing(128).settings;
  sweep.axis = SweepAxis::N;
  w.post(sweep);
  for (int i = 0; i < 2000 && !fake.entered; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(fake.entered);
  fake.blockAtN = 0;
  const auto t = w.post(timing(96));
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->timing);
  CHECK(s->timing->request == t);
  CHECK(s->timing->complete);
  REQUIRE(s->sweep);
  CHECK(s->sweep->complete);
  CHECK(s->sweep->values == std::vector<int>{64, 128, 256});
  CHECK(s->sweep->records.size() == 6);  // 3 sizes x 2 kernels
  std::lock_guard lock(fake.mutex);
  // Order of work: sweep point (cancelled), the timing, then the sweep again.
  REQUIRE(fake.calls.size() >= 3);
  CHECK(fake.calls[0].cancelled);
  CHECK(fake.calls[1].n == 96);
}

TEST_CASE("a sweep visits only kernels that read the swept parameter") {
  FakeEngine fake;
  Worker w(fake.engine());
  Request sweep;
  sweep.kind = RequestKind::Sweep;
  sweep.settings = timing(64).settings;
  sweep.axis = SweepAxis::Block;
  w.post(sweep);
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->sweep);
  CHECK(s->sweep->values == std::vector<int>{4, 8, 16, 32, 64});
  for (const BenchRecord& r : s->sweep->records) CHECK(r.kernel == "matmul.blocked");
  CHECK(s->sweep->records.size() == 5);
}

TEST_CASE("worker errors become snapshot state") {
  FakeEngine fake;
  Worker w(fake.engine());
  Request sweep;
  sweep.kind = RequestKind::Sweep;
  sweep.settings = timing(64, {"matmul.naive"}).settings;
  sweep.axis = SweepAxis::Block;  // naive has no block size
  w.post(sweep);
  REQUIRE(w.waitIdle(5s));
  CHECK_THAT(w.snapshot()->error, Catch::Contains("no selected kernel uses 'block'"));
  w.post(timing(64, {}));
  REQUIRE(w.waitIdle(5s));
  CHECK_THAT(w.snapshot()->error, Catch::Contains("select at least one kernel"));
}

TEST_CASE("history keeps the most recent runs") {
  FakeEngine fake;
  Worker w(fake.engine());
  for (int i = 0; i < int(kHistoryLength) + 3; ++i) {
    w.post(timing(32 + i, {"matmul.naive"}));
    REQUIRE(w.waitIdle(5s));
  }
  auto s = w.snapshot();
  REQUIRE(s->history.size() == kHistoryLength);
  CHECK(s->history.back().n == 32 + int(kHistoryLength) + 2);
  CHECK(s->history.front().n == 32 + 3);
}

TEST_CASE("repetitions shrink as runs get long") {
  CHECK(repsForEstimate(0.001).reps >= repsForEstimate(0.1).reps);
  CHECK(repsForEstimate(0.1).reps >= repsForEstimate(2.0).reps);
  CHECK(repsForEstimate(60.0).reps == 1);
  CHECK(repsForEstimate(60.0).warmup == 0);
}

TEST_CASE("a cache request simulates naive and blocked, then the block sweep") {
  FakeEngine fake;
  Engine e = fake.engine();
  std::mutex m;
  std::vector<trace::SimulationRequest> seen;
  e.simulate = [&](const trace::SimulationRequest& req) {
    {
      std::lock_guard lock(m);
      seen.push_back(req);
    }
    trace::SimulationResult r;
    r.cache = req.cache;
    r.cache.missClasses = req.missClasses.value_or(false) ? sim::MissClasses::On : sim::MissClasses::Off;
    // Blocked hits more than naive, and larger blocks more than smaller ones.
    const bool blocked = req.kernel.kernel == "matmul.blocked";
    for (std::size_t l = 0; l < req.cache.levels.size(); ++l) {
      sim::LevelCounters c;
      c.accesses = 1000;
      c.hits = blocked ? 900 + std::uint64_t(req.kernel.block) : 500;
      c.misses = c.accesses - c.hits;
      c.compulsory = 10;
      c.capacity = c.misses - 10;
      r.levels.push_back(c);
    }
    r.sampleFraction = req.sample;
    return r;
  };
  Worker w(e);
  Request r;
  r.kind = RequestKind::Cache;
  r.settings = timing(64).settings;
  r.settings.params.block = 16;
  w.post(r);
  REQUIRE(w.waitIdle(5s));
  auto s = w.snapshot();
  REQUIRE(s->cache);
  const CacheRun& c = *s->cache;
  CHECK(c.complete);
  REQUIRE(c.sides.size() == 2);
  CHECK(c.sides[0].kernel == "matmul.naive");
  CHECK(c.sides[1].kernel == "matmul.blocked");
  CHECK(c.sides[0].missClasses);
  CHECK(c.sides[0].hitRate(0) == Approx(0.5));
  CHECK(c.sides[1].hitRate(0) == Approx(0.916));
  CHECK(c.sweepBlocks == std::vector<int>{4, 8, 16, 32, 64});
  REQUIRE(c.sweep.size() == 5);
  CHECK(c.sweep[4].hitRate[0] == Approx(0.964));
  CHECK(c.levelNames.size() == c.sides[0].accesses.size());
  std::lock_guard lock(m);
  REQUIRE(seen.size() == 7);
  CHECK(seen[1].kernel.block == 16);
  CHECK_FALSE(seen[2].missClasses.value_or(true));  // sweeps skip the costly 3C split
  for (const auto& q : seen) CHECK(q.cancel != nullptr);
}

// [SECTION] cancelling each request kind

namespace {

// Makes every long call of the engine wait for the cancel flag while `hold`
// is set, so a test can stop a request of any kind at a known point; with
// `hold` cleared the calls return small valid results at once.
struct Gate {
  std::atomic<bool> hold{true};
  std::atomic<int> entered{0};

  // True when the call was cancelled while held.
  bool wait(const std::atomic<bool>* cancel) {
    if (!hold.load()) return false;
    entered.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!cancel->load() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    return cancel->load();
  }

  Engine engine() {
    Engine e;
    e.makeProblem = [](Family f, int n) {
      Problem p;
      p.family = f;
      p.n = n;
      return p;
    };
    e.runJob = [this](const Job& j, const Problem&, const RunOptions& o, const std::atomic<bool>* cancel,
                      const ProgressFn&) {
      BenchRecord r;
      r.kernel = j.kernel->info.id;
      r.n = j.params.n;
      r.reps = o.reps;
      r.work = j.kernel->work(j.params);
      if (wait(cancel)) {
        r.outcome = Outcome::Cancelled;
        return r;
      }
      r.medianS = r.minS = r.maxS = r.meanS = 1e-3;
      r.timesS.assign(std::size_t(o.reps), r.medianS);
      r.rate = r.work / r.medianS / 1e9;
      r.unit = "GFLOP/s";
      return r;
    };
    e.simulate = [this](const trace::SimulationRequest& req) {
      trace::SimulationResult r;
      r.cache = req.cache;
      r.levels.assign(req.cache.levels.size(), sim::LevelCounters{});
      if (wait(req.cancel)) r.outcome = Outcome::Cancelled;
      return r;
    };
    e.measureRoofline = [this](const RooflineOptions& o, const std::atomic<bool>* cancel) {
      RooflineResult r;
      r.machine.threads = o.threads;
      if (wait(cancel)) {
        r.outcome = Outcome::Cancelled;
        return r;
      }
      r.machine.peakGflops = 100;
      r.machine.bandwidthGBs = 10;
      return r;
    };
    e.recordAccessTrace = [this](const AnimationSpec& spec, const std::string& kernel,
                                 const std::atomic<bool>* cancel, std::atomic<double>*) {
      auto tr = std::make_shared<AccessTrace>();
      tr->kernel = kernel;
      tr->n = spec.n;
      if (wait(cancel)) tr->outcome = Outcome::Cancelled;
      return std::shared_ptr<const AccessTrace>(tr);
    };
    e.recordThreads = [this](const Params& p, const std::atomic<bool>* cancel, std::atomic<double>*) {
      ThreadsRun run;
      run.n = p.n;
      run.threads = p.threads;
      if (wait(cancel)) {
        run.outcome = Outcome::Cancelled;
        return run;
      }
      run.records = {{0, 0, 0, p.n, p.n, 0, p.n, 0.0, 0.001}};
      run.runsEach = 1;
      return run;
    };
    return e;
  }
};

Request requestOf(RequestKind kind) {
  Request r = timing(64);
  r.kind = kind;
  r.settings.params.block = 16;
  r.axis = SweepAxis::N;
  r.caches = "teaching-tiny";
  r.animationKernels = {"matmul.naive", "matmul.blocked"};
  return r;
}

// How the newest snapshot says the request of `kind` ended: nullopt when it
// published nothing of that kind.
std::optional<Outcome> outcomeOf(const Snapshot& s, RequestKind kind) {
  switch (kind) {
    case RequestKind::Timing: return s.timing ? std::optional(s.timing->outcome) : std::nullopt;
    case RequestKind::Sweep: return s.sweep ? std::optional(s.sweep->outcome) : std::nullopt;
    case RequestKind::Cache: return s.cache ? std::optional(s.cache->outcome) : std::nullopt;
    case RequestKind::Roofline: return s.roofline ? std::optional(s.roofline->outcome) : std::nullopt;
    case RequestKind::Animation: return s.animation ? std::optional(s.animation->outcome) : std::nullopt;
    case RequestKind::Threads: return s.threads ? std::optional(s.threads->outcome) : std::nullopt;
    case RequestKind::Probe: break;  // several runs of their own: worker_probe_test.cpp reads them
  }
  return std::nullopt;
}

// Finished: complete for the kinds that say so, a valid result for the others.
bool finished(const Snapshot& s, RequestKind kind) {
  switch (kind) {
    case RequestKind::Timing: return s.timing && s.timing->complete;
    case RequestKind::Sweep: return s.sweep && s.sweep->complete;
    case RequestKind::Cache: return s.cache && s.cache->complete;
    case RequestKind::Roofline: return s.roofline && s.roofline->machine.peakGflops == 100;
    case RequestKind::Animation: return s.animation && s.animation->complete && s.animation->sides.size() == 2;
    case RequestKind::Threads: return s.threads && s.threads->records.size() == 1;
    case RequestKind::Probe: break;  // as outcomeOf
  }
  return false;
}

}  // namespace

TEST_CASE("stopping any request kind publishes Cancelled and the worker stays usable") {
  const RequestKind kinds[] = {RequestKind::Timing,   RequestKind::Sweep,     RequestKind::Cache,
                               RequestKind::Roofline, RequestKind::Animation, RequestKind::Threads};
  for (RequestKind kind : kinds) {
    INFO(toString(kind));
    Gate gate;
    Worker w(gate.engine());
    const auto first = w.post(requestOf(kind));
    for (int i = 0; i < 5000 && gate.entered.load() == 0; ++i) std::this_thread::sleep_for(1ms);
    REQUIRE(gate.entered.load() > 0);
    CHECK(w.progress().busy);
    CHECK(w.progress().kind == kind);
    w.stop();
    REQUIRE(w.waitIdle(5s));
    auto s = w.snapshot();
    CHECK(s->error.empty());  // stopping is not a failure
    CHECK(outcomeOf(*s, kind) == Outcome::Cancelled);
    CHECK_FALSE(finished(*s, kind));
    CHECK(s->lastFinished != first);

    // The same request again runs to the end.
    gate.hold = false;
    w.post(requestOf(kind));
    REQUIRE(w.waitIdle(5s));
    s = w.snapshot();
    CHECK(s->error.empty());
    CHECK(outcomeOf(*s, kind) == Outcome::Ok);
    CHECK(finished(*s, kind));
  }
}

TEST_CASE("a newer request of the same kind cancels the older one of any kind") {
  const RequestKind kinds[] = {RequestKind::Sweep, RequestKind::Cache, RequestKind::Roofline, RequestKind::Animation,
                               RequestKind::Threads};
  for (RequestKind kind : kinds) {
    INFO(toString(kind));
    Gate gate;
    Worker w(gate.engine());
    w.post(requestOf(kind));
    for (int i = 0; i < 5000 && gate.entered.load() == 0; ++i) std::this_thread::sleep_for(1ms);
    REQUIRE(gate.entered.load() > 0);
    gate.hold = false;  // the replacement runs straight through
    w.post(requestOf(kind));
    REQUIRE(w.waitIdle(5s));
    auto s = w.snapshot();
    CHECK(outcomeOf(*s, kind) == Outcome::Ok);
    CHECK(finished(*s, kind));
  }
}
