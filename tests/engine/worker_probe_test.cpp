// The worker's memory-probe requests (the Memory view) with fake probes:
// the options the view chose reach the probe, each kind's newest result is
// kept beside the others, failures become the snapshot's error, a stop
// cancels the probe in flight and keeps what it measured. And the view's
// launch keys (--set probe=...).
#include <catch2/catch.hpp>

#include <thread>

#include "engine/settings.hpp"
#include "engine/worker.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"

using namespace cachescope;
using namespace cachescope::engine;
using namespace std::chrono_literals;

namespace {

struct Seen {
  std::mutex m;
  std::vector<probe::ProbeOptions> options;
};

probe::LatencyResult fakeLadder(std::uint64_t maxBytes) {
  probe::LatencyResult r;
  probe::LatencySeries s;
  for (std::uint64_t b = 1024; b <= maxBytes; b *= 2) s.points.push_back({b, 1.0, 1.0, 3.0, 1.0, {}, 0});
  r.series.push_back(s);
  return r;
}

Engine fakeEngine(Seen& seen) {
  Engine e;
  e.measureLatency = [&seen](const probe::ProbeOptions& o) {
    std::lock_guard lock(seen.m);
    seen.options.push_back(o);
    return fakeLadder(o.maxBytes);
  };
  e.measureMountain = [&seen](const probe::ProbeOptions& o) {
    std::lock_guard lock(seen.m);
    seen.options.push_back(o);
    probe::MountainResult r;
    r.sizes = {16384, 32768};
    r.strides = {1, 2};
    r.gbPerSecond = {{10, 9}, {5, 4}};
    return r;
  };
  return e;
}

Request probeRequest(ProbeKind kind) {
  Request r;
  r.kind = RequestKind::Probe;
  r.probe.kind = kind;
  return r;
}

}  // namespace

TEST_CASE("worker probe: the view's options reach the probe, the quick range resolved") {
  Seen seen;
  Worker w(fakeEngine(seen));
  Request r = probeRequest(ProbeKind::Latency);
  r.probe.simulate = true;
  r.probe.prefetch = "next-line";
  r.caches = "teaching-tiny";
  w.post(r);
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  REQUIRE(snap->error.empty());
  REQUIRE(seen.options.size() == 1);
  const probe::ProbeOptions& o = seen.options.front();
  const CacheInfo* l2 = host().cache(2);
  CHECK(o.maxBytes == quickMaxBytes(l2 ? l2->sizeBytes : 0));
  CHECK(o.maxBytes >= (std::uint64_t(4) << 20));
  CHECK(o.simulate);
  CHECK(o.cache.prefetch.kind == sim::PrefetchKind::NextLine);
  CHECK_FALSE(o.cache.levels.empty());
  CHECK(o.cancel != nullptr);
  CHECK(o.progress != nullptr);
  REQUIRE(snap->probes);
  REQUIRE(snap->probes->latency);
  CHECK(snap->probes->latency->series.front().points.back().bytes <= o.maxBytes);
  CHECK(snap->probes->latencyInfo.maxBytes == o.maxBytes);
  CHECK(snap->probes->latencyInfo.caches == "teaching-tiny");
  CHECK(snap->probes->latencyInfo.prefetch.find("next-line") != std::string::npos);
  CHECK_FALSE(snap->probes->mountain);
}

TEST_CASE("worker probe: each kind keeps its newest result beside the others") {
  Seen seen;
  Worker w(fakeEngine(seen));
  Request a = probeRequest(ProbeKind::Latency);
  a.probe.maxBytes = 64 * 1024;
  w.post(a);
  REQUIRE(w.waitIdle(20s));
  w.post(probeRequest(ProbeKind::Mountain));
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  REQUIRE(snap->error.empty());
  REQUIRE(snap->probes);
  REQUIRE(snap->probes->latency);
  REQUIRE(snap->probes->mountain);
  CHECK(snap->probes->latencyInfo.maxBytes == 64 * 1024);
  CHECK(snap->probes->mountain->gbPerSecond[1][0] == 5);
  CHECK(seen.options.back().simulate == false);
}

TEST_CASE("worker probe: a failed probe is the snapshot's error, a bad prefetch too") {
  Engine e;
  e.measureTraversal = [](const probe::ProbeOptions&, int) {
    probe::TraversalResult r;
    r.outcome = Outcome::Failed;
    r.failure = "cannot allocate the matrix";
    return r;
  };
  Worker w(e);
  w.post(probeRequest(ProbeKind::Traversal));
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  CHECK(snap->error.find("cannot allocate the matrix") != std::string::npos);
  CHECK_FALSE(snap->probes);
  Request bad = probeRequest(ProbeKind::Traversal);
  bad.probe.simulate = true;
  bad.probe.prefetch = "sometimes";
  w.post(bad);
  REQUIRE(w.waitIdle(20s));
  CHECK(w.snapshot()->error.find("memory probe") != std::string::npos);
}

TEST_CASE("worker probe: stop cancels the probe in flight and keeps what it measured") {
  Engine e;
  std::atomic<bool> started{false};
  e.measureBandwidth = [&started](const probe::ProbeOptions& o) {
    started = true;
    probe::BandwidthResult r;
    r.threads = o.threads;
    r.levels.push_back({"L1d", 16384, {100}, {1}, {100}});
    while (!o.cancel->load()) std::this_thread::sleep_for(1ms);
    r.outcome = Outcome::Cancelled;
    return r;
  };
  Worker w(e);
  Request r = probeRequest(ProbeKind::Bandwidth);
  r.probe.threads = 1;
  w.post(r);
  while (!started) std::this_thread::sleep_for(1ms);
  CHECK(w.progress().busy);
  CHECK(w.progress().kind == RequestKind::Probe);
  w.stop();
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  CHECK(snap->error.empty());
  REQUIRE(snap->probes);
  REQUIRE(snap->probes->bandwidth);
  CHECK(snap->probes->bandwidth->outcome == Outcome::Cancelled);
  CHECK(snap->probes->bandwidth->levels.front().gbPerSecond.front() == 100);
}

TEST_CASE("memory view launch keys: --view memory and --set probe keys") {
  View v = View::Timings;
  REQUIRE(parseView("memory", v));
  CHECK(v == View::Memory);
  CHECK(std::string(toString(View::Memory)) == "memory");
  LaunchOptions o;
  applyLaunchSetting(o, "probe=mountain");
  applyLaunchSetting(o, "probe-max=64M");
  applyLaunchSetting(o, "probe-simulate=1");
  applyLaunchSetting(o, "probe-prefetch=stride");
  applyLaunchSetting(o, "mountain=heatmap");
  applyLaunchSetting(o, "probe-threads=1");
  CHECK(o.memory.probe == ProbeKind::Mountain);
  CHECK(o.memory.maxBytes == (std::uint64_t(64) << 20));
  CHECK(o.memory.simulate == 1);
  CHECK(o.memory.prefetch == "stride");
  CHECK(o.memory.heatmap == 1);
  CHECK(o.memory.threads == 1);
  CHECK_THROWS_WITH(applyLaunchSetting(o, "probe=cache"), Catch::Contains("--set probe=cache: must be latency"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "probe-max=12"), Catch::Contains("at least 64K"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "probe-prefetch=sometimes"), Catch::Contains("--set probe-prefetch=sometimes"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "probe-threads=0"), Catch::Contains("must be in 1.."));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "colour=red"), Catch::Contains("Memory view: probe, probe-max"));
  CHECK(o.memory.maxBytes == (std::uint64_t(64) << 20));  // a refused value changed nothing
}
