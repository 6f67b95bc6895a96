// The app's engine thread (shared/design.md section 2). The GUI thread never
// runs a kernel or a simulation: it posts requests (copies of the settings)
// and reads the newest immutable Snapshot once per frame. Progress is plain
// atomics; cancellation is the flag runJob() checks between repetitions.
//
// Scheduling: one pending slot per request kind. A new request of the kind in
// flight cancels it (the user moved a slider: the old numbers are stale). A
// timing request also preempts a running sweep or simulation, which is queued
// again behind it, so a number appears at once whatever else is going on.
//
// GL-free: tests drive it with a fake Engine.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/roofline.hpp"
#include "bench/runner.hpp"
#include "engine/access_animation.hpp"
#include "engine/probe_run.hpp"
#include "engine/roofline_levels.hpp"
#include "engine/settings.hpp"
#include "engine/threads_run.hpp"
#include "platform/outcome.hpp"
#include "trace/simulation.hpp"

namespace cachescope::engine {

enum class RequestKind { Timing, Sweep, Cache, Roofline, Animation, Threads, Probe };
inline constexpr int kRequestKinds = 7;
const char* toString(RequestKind kind);

struct Request {
  RequestKind kind = RequestKind::Timing;
  RunSettings settings;
  SweepAxis axis = SweepAxis::None;  // Sweep only
  // Animation and Cache: the cache preset (name or JSON file; "" the
  // host's) and SIZE:WAYS:LINE replacing its first level ("" keep it).
  std::string caches;
  std::string l1;
  // Animation only: the kernels side by side and the size they play at
  // (0: settings.params.n), block (0: settings.params.block).
  std::vector<std::string> animationKernels;
  int animationN = 0, animationBlock = 0;
  // Cache only: L2 / L3 replaced (SIZE:WAYS:LINE) or dropped ("none"), ""
  // keeps the preset's; replacement (lru, fifo, plru, random) and write
  // policy (back, through), "" the preset's.
  std::string l2, l3, replacement, writePolicy;
  // Probe only (the Memory view): which probe and its options; `caches` is
  // the simulated hierarchy's preset.
  ProbeParams probe;
  // Roofline only: also the bandwidth roof of each level and every kernel of
  // settings.kernels simulated at settings.params for its bytes per level.
  bool levels = false;
  // Timing only ("run mine again"): re-time just these kernels (of
  // settings.kernels) and keep every other kernel's record of the newest
  // complete run at the same settings. Without such a run, all are timed.
  std::vector<std::string> only;
};

// One timing request's results, filled in as kernels finish.
struct TimingRun {
  std::uint64_t request = 0;
  RunSettings settings;
  // Kernels measured so far, in the order they first ran. After the first
  // pass a record holds one run (reps == 1); the second pass replaces it
  // with the median of the repetitions.
  std::vector<BenchRecord> records;
  int n = 0;                         // the size the records are at
  bool preview = false;              // quick numbers at a smaller n, shown first
  bool complete = false;
  Outcome outcome = Outcome::Ok;     // Cancelled: stopped before the end (never complete)
  double seconds = 0;                // wall time of the run so far
  // Request::only honoured: the kernels timed again; the other records are
  // the earlier run's (empty: a whole run).
  std::vector<std::string> rerun;
};

struct SweepRun {
  std::uint64_t request = 0;
  RunSettings settings;
  SweepAxis axis = SweepAxis::None;
  std::vector<int> values;
  std::vector<BenchRecord> records;
  bool complete = false;
  Outcome outcome = Outcome::Ok;     // Cancelled: stopped before the end
};

// One kernel's bytes per level, at the parameters it was simulated with.
struct RooflineKernelTraffic {
  std::string kernel;
  Params params;
  KernelTraffic traffic;
};

struct RooflineRun {
  std::uint64_t request = 0;
  RooflineMachine machine;           // valid when outcome is Ok
  int threads = 1;
  double seconds = 0;  // how long the measurement took
  Outcome outcome = Outcome::Ok;     // Cancelled: stopped, no roofs (a failure is the snapshot's error)
  bool levels = false;               // machine.levelRoofs and `traffic` were measured
  std::vector<RooflineKernelTraffic> traffic;
};

// The Cache view's data: every selected kernel that has a traced loop nest,
// side by side on the chosen hierarchy (preset, level overrides, policies),
// then a hit rate against block size sweep of a selected blocked kernel.
struct CacheSide {
  std::string kernel;
  std::vector<std::uint64_t> accesses, hits, misses, compulsory, capacity, conflict;  // per level
  bool missClasses = false;  // the three-C split was computed
  double sampleFraction = 1;  // share of the rows counted (after a warm-up)
  std::uint64_t references = 0;
  double seconds = 0;
  double hitRate(std::size_t level) const {
    return level < accesses.size() && accesses[level] ? double(hits[level]) / double(accesses[level]) : 0.0;
  }
};

struct CacheSweepPoint {
  int block = 0;
  std::vector<double> hitRate;  // per level
  double sampleFraction = 1;
};

struct UntracedKernel {
  std::string kernel, why;  // a selected kernel without a traced loop nest, and its trace note
};

struct CacheRun {
  std::uint64_t request = 0;
  RunSettings settings;
  int n = 0;
  int block = 0;                                  // the block simulated: min(chosen, n)
  int chosenBlock = 0;                            // the slider's
  std::string cacheName;                          // "host", "zen4", with overrides named
  std::vector<std::string> levelNames;            // "L1d", "L2", "L3"
  std::vector<std::uint64_t> levelBytes;          // capacities
  std::vector<std::string> levelSpecs;            // sim::describe of each level
  std::string replacement, writePolicy;           // as simulated ("lru", "write-back")
  std::vector<std::string> kernels;               // the sides to simulate, in order
  std::vector<UntracedKernel> untraced;           // selected but not simulated
  bool fallback = false;                          // no selected kernel is traced: the registry's pair
  std::vector<CacheSide> sides;                   // in `kernels` order, filled in as they finish
  std::string sweepKernel;                        // "" no sweep (no selected kernel uses a block)
  std::vector<int> sweepBlocks;                   // blocks the sweep visits
  std::vector<CacheSweepPoint> sweep;             // filled in as they finish
  bool complete = false;
  Outcome outcome = Outcome::Ok;                  // Cancelled: stopped before the end
};

// Everything the views show. Immutable once published; the UI holds a
// shared_ptr for the frame.
struct Snapshot {
  std::uint64_t version = 0;           // bumps on every publication
  std::optional<TimingRun> preview;    // smaller-n numbers for the current request
  std::optional<TimingRun> timing;     // current (maybe partial) run
  std::vector<TimingRun> history;      // completed runs, oldest first
  std::optional<SweepRun> sweep;
  std::optional<RooflineRun> roofline;
  std::optional<CacheRun> cache;
  std::shared_ptr<const AnimationData> animation;  // the Access view's recorded traces (large: shared)
  std::shared_ptr<const ThreadsRun> threads;       // the Threads view's tile records
  // The same kernel and n on one thread (the speedup's reference), when the
  // recording ran on more; null otherwise.
  std::shared_ptr<const ThreadsRun> threadsOne;
  std::shared_ptr<const ProbeRuns> probes;         // the Memory view's newest probe results
  std::string error;                   // last failure, shown in the UI ("" none)
  std::uint64_t lastFinished = 0;      // id of the newest request that completed
};

inline constexpr std::size_t kHistoryLength = 8;

// Progress of the request in flight, for the status bar.
struct ProgressView {
  bool busy = false;
  RequestKind kind = RequestKind::Timing;
  double fraction = 0;   // 0..1
  double elapsedS = 0;
  double etaS = -1;      // < 0: not known yet
  std::string what;      // kernel id, n and run: "<id> n=2048 run 1/2"
};

// The work itself, replaceable in tests.
struct Engine {
  std::function<Problem(Family, int)> makeProblem = [](Family f, int n) { return cachescope::makeProblem(f, n); };
  std::function<BenchRecord(const Job&, const Problem&, const RunOptions&, const std::atomic<bool>*,
                            const ProgressFn&)>
      runJob = [](const Job& j, const Problem& p, const RunOptions& o, const std::atomic<bool>* c,
                  const ProgressFn& f) { return cachescope::runJob(j, p, o, c, f); };
  std::function<RooflineResult(const RooflineOptions&, const std::atomic<bool>*)> measureRoofline =
      [](const RooflineOptions& o, const std::atomic<bool>* c) { return cachescope::measureRoofline(o, c); };
  std::function<LevelRoofsResult(int, double, const std::atomic<bool>*)> measureLevelRoofs =
      [](int t, double s, const std::atomic<bool>* c) { return engine::measureLevelRoofs(t, s, c); };
  std::function<KernelTraffic(const Kernel&, const Params&, const std::atomic<bool>*, std::atomic<double>*)>
      kernelTraffic = [](const Kernel& k, const Params& p, const std::atomic<bool>* c, std::atomic<double>* f) {
        return engine::kernelTraffic(k, p, 0, c, f);
      };
  std::function<trace::SimulationResult(const trace::SimulationRequest&)> simulate =
      [](const trace::SimulationRequest& r) { return trace::simulate(r); };
  std::function<std::shared_ptr<const AccessTrace>(const AnimationSpec&, const std::string&, const std::atomic<bool>*,
                                                   std::atomic<double>*)>
      recordAccessTrace = [](const AnimationSpec& s, const std::string& k, const std::atomic<bool>* c,
                             std::atomic<double>* p) { return engine::recordAccessTrace(s, k, c, p); };
  std::function<ThreadsRun(const Params&, const std::atomic<bool>*, std::atomic<double>*)> recordThreads =
      [](const Params& p, const std::atomic<bool>* c, std::atomic<double>* f) { return recordThreadsRun(p, c, f); };
  // The Memory view's probes (probe.hpp); options carry cancel and progress.
  std::function<probe::LatencyResult(const probe::ProbeOptions&)> measureLatency =
      [](const probe::ProbeOptions& o) { return probe::measureLatency(o); };
  std::function<probe::MountainResult(const probe::ProbeOptions&)> measureMountain =
      [](const probe::ProbeOptions& o) { return probe::measureMountain(o); };
  std::function<probe::TraversalResult(const probe::ProbeOptions&, int)> measureTraversal =
      [](const probe::ProbeOptions& o, int n) { return probe::measureTraversal(o, n); };
  std::function<probe::BandwidthResult(const probe::ProbeOptions&)> measureBandwidth =
      [](const probe::ProbeOptions& o) { return probe::measureBandwidth(o); };
};

// References a simulation counts at most per run (the rest is sampled):
// the cache view answers in seconds instead of a minute. A side computes the
// three-C split (about 5x the cost of a plain run), a sweep point does not.
inline constexpr double kCacheSideBudget = 6e6, kCacheSweepBudget = 3e6;

// The hierarchy a Cache or Animation request simulates: its preset with the
// overrides applied (sim::validate'd). `name` receives a caption: "zen4",
// "host with L1 16K:4:64". Throws SimulationError / ConfigError.
sim::HierarchyConfig requestHierarchy(const Request& request, std::string* name = nullptr);

// Sizes above this get a quick probe at this size first: its numbers appear
// at once and give the estimate for the real run's ETA and repetitions.
inline constexpr int kProbeN = 256;

class Worker {
 public:
  // `onPublish` runs on the worker thread after each new snapshot (the app
  // wakes its event loop with it); it must be thread-safe and quick.
  explicit Worker(Engine engine = Engine{}, std::function<void()> onPublish = {});
  ~Worker();  // cancels and joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues a request; returns its id (increasing).
  std::uint64_t post(Request request);
  // Cancels the request in flight and drops the queued ones.
  void stop();

  std::shared_ptr<const Snapshot> snapshot() const;
  ProgressView progress() const;
  // Nothing queued and nothing running.
  bool idle() const;
  // Waits until idle; false on timeout.
  bool waitIdle(std::chrono::milliseconds timeout) const;

 private:
  void loop();
  void execute(const Request& request, std::uint64_t id);
  void runTiming(const Request& request, std::uint64_t id);
  void runSweep(const Request& request, std::uint64_t id);
  void runRoofline(const Request& request, std::uint64_t id);
  void runCache(const Request& request, std::uint64_t id);
  void runAnimation(const Request& request, std::uint64_t id);  // worker_views.cpp
  void runThreads(const Request& request, std::uint64_t id);    // worker_views.cpp
  void runProbe(const Request& request, std::uint64_t id);      // worker_views.cpp
  void publish();
  void setWhat(std::string what);
  bool cancelled() const { return cancel_.load(std::memory_order_relaxed); }

  Engine engine_;
  std::function<void()> onPublish_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;     // worker waits for requests
  mutable std::condition_variable idleCv_;   // waitIdle waits for the worker
  std::optional<Request> pending_[kRequestKinds];
  std::uint64_t pendingId_[kRequestKinds] = {};
  std::optional<Request> current_;
  std::uint64_t currentId_ = 0;
  std::uint64_t nextId_ = 0;
  bool quit_ = false;
  std::shared_ptr<const Snapshot> published_;
  std::string what_;

  // Worker-thread only: the snapshot being built.
  Snapshot draft_;

  std::atomic<bool> cancel_{false};
  std::atomic<bool> busy_{false};
  std::atomic<int> busyKind_{0};
  std::atomic<double> fraction_{0};
  std::atomic<double> estTotalS_{-1};
  std::atomic<std::int64_t> startNs_{0};

  std::thread thread_;  // last: starts after everything above exists
};

// Repetitions for a job whose single run is estimated at `seconds`: many
// for fast kernels (stable medians), one for runs of seconds (naive n=2048).
RunOptions repsForEstimate(double seconds);

// The values a sweep visits for these settings (empty: the axis does not
// apply to any selected kernel). Density: in thousandths (10 = 0.01); a
// density sweep also runs each selected dense kernel of the same family once.
std::vector<int> sweepValues(SweepAxis axis, const RunSettings& settings);

}  // namespace cachescope::engine
