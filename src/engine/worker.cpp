#include "engine/worker.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "engine/progress_ticker.hpp"
#include "kernels/registry.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "trace/presets.hpp"

namespace cachescope::engine {

using Clock = std::chrono::steady_clock;

const char* toString(RequestKind kind) {
  switch (kind) {
    case RequestKind::Timing: return "timing";
    case RequestKind::Sweep: return "sweep";
    case RequestKind::Cache: return "cache simulation";
    case RequestKind::Roofline: return "roofline";
    case RequestKind::Animation: return "access animation";
    case RequestKind::Threads: return "threads recording";
    case RequestKind::Probe: return "memory probe";
  }
  return "?";
}

RunOptions repsForEstimate(double seconds) {
  if (seconds < 0.02) return {1, 7};
  if (seconds < 0.25) return {1, 5};
  if (seconds < 1.0) return {1, 3};
  if (seconds < 4.0) return {0, 2};
  return {0, 1};
}

namespace {

// Params a kernel actually runs with: the settings, with the quantization
// width replaced by the kernel's own where it does not accept the chosen one.
Params paramsFor(const Kernel& k, Params p) {
  if (k.uses(Param::Bits)) {
    if (std::find(k.info.bits.begin(), k.info.bits.end(), p.bits) == k.info.bits.end() && !k.info.bits.empty())
      p.bits = k.info.bits.front();
  } else {
    p.bits = 32;
  }
  return p;
}

std::vector<Job> jobsFor(const RunSettings& s, int n) {
  std::vector<Job> jobs;
  for (const std::string& id : s.kernels) {
    const Kernel* k = findKernel(id);
    if (!k) throw UsageError("unknown kernel '" + id + "'");
    Params p = paramsFor(*k, s.params);
    p.n = n;
    p.block = std::min(p.block, n);
    jobs.push_back({k, p});
  }
  return jobs;
}

void checkMemory(const std::vector<Job>& jobs) {
  const std::uint64_t available = availableMemoryBytes();  // read once for all jobs
  for (const Job& j : jobs)
    if (!fitsMemoryBudget(jobBytes(j), available))
      throw UsageError(j.kernel->info.id + " at n=" + std::to_string(j.params.n) + " does not fit in memory");
}

std::string describe(const Job& j, int run, int runs) {
  return j.kernel->info.id + " n=" + std::to_string(j.params.n) + "  run " + std::to_string(run) + "/" +
         std::to_string(runs);
}

// Rough seconds of one run before anything is measured: 1 GFLOP/s is the
// slow end of the ladder, so the first ETA errs on the long side.
double guessSeconds(const Job& j) { return j.kernel->work(j.params) / 1e9; }

}  // namespace

std::vector<int> sweepValues(SweepAxis axis, const RunSettings& settings) {
  auto anyUses = [&](Param p) {
    for (const std::string& id : settings.kernels)
      if (const Kernel* k = findKernel(id); k && k->uses(p)) return true;
    return false;
  };
  std::vector<int> v;
  const int n = settings.params.n;
  switch (axis) {
    case SweepAxis::None: break;
    case SweepAxis::N:
      for (int x = 64; x <= std::max(n, 256); x *= 2) v.push_back(x);
      break;
    case SweepAxis::Block:
      if (anyUses(Param::Block))
        for (int b = 4; b <= std::min(n, 256); b *= 2) v.push_back(b);
      break;
    case SweepAxis::Threads:
      if (anyUses(Param::Threads))
        for (int t = 1; t <= host().logicalCores; ++t) v.push_back(t);
      break;
    case SweepAxis::Density:
      // In thousandths: fine steps where sparse and dense usually cross.
      if (anyUses(Param::Density)) v = {10, 20, 50, 100, 200, 300, 400, 500, 700, 1000};
      break;
  }
  return v;
}

Worker::Worker(Engine engine, std::function<void()> onPublish)
    : engine_(std::move(engine)), onPublish_(std::move(onPublish)), published_(std::make_shared<const Snapshot>()), thread_([this] { loop(); }) {}

Worker::~Worker() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
    cancel_.store(true);
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t Worker::post(Request request) {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = ++nextId_;
    const int k = int(request.kind);
    if (current_) {
      const bool sameKind = current_->kind == request.kind;
      const bool preempt = request.kind == RequestKind::Timing &&
                           (current_->kind == RequestKind::Sweep || current_->kind == RequestKind::Cache);
      if (sameKind || preempt) cancel_.store(true);
      // A preempted request runs again after the timing, unless replaced.
      if (preempt && !pending_[int(current_->kind)]) {
        pending_[int(current_->kind)] = *current_;
        pendingId_[int(current_->kind)] = currentId_;
      }
    }
    pending_[k] = std::move(request);
    pendingId_[k] = id;
  }
  wake_.notify_all();
  return id;
}

void Worker::stop() {
  std::lock_guard lock(mutex_);
  for (auto& p : pending_) p.reset();
  if (current_) cancel_.store(true);
}

std::shared_ptr<const Snapshot> Worker::snapshot() const {
  std::lock_guard lock(mutex_);
  return published_;
}

ProgressView Worker::progress() const {
  ProgressView v;
  v.busy = busy_.load();
  if (!v.busy) return v;
  v.kind = RequestKind(busyKind_.load());
  v.fraction = std::clamp(fraction_.load(), 0.0, 1.0);
  v.elapsedS = std::chrono::duration<double>(Clock::now().time_since_epoch()).count() - startNs_.load() * 1e-9;
  const double est = estTotalS_.load();
  if (est > 0) v.etaS = std::max(0.0, est * (1.0 - v.fraction));
  else if (v.fraction > 0.05) v.etaS = v.elapsedS * (1.0 - v.fraction) / v.fraction;
  {
    std::lock_guard lock(mutex_);
    v.what = what_;
  }
  return v;
}

bool Worker::idle() const {
  std::lock_guard lock(mutex_);
  if (current_) return false;
  for (const auto& p : pending_)
    if (p) return false;
  return true;
}

bool Worker::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idleCv_.wait_for(lock, timeout, [&] {
    if (current_) return false;
    for (const auto& p : pending_)
      if (p) return false;
    return true;
  });
}

void Worker::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] {
      if (quit_) return true;
      for (const auto& p : pending_)
        if (p) return true;
      return false;
    });
    if (quit_) return;
    // Lowest kind first: timing before sweeps, simulations and roofline.
    int k = 0;
    while (!pending_[k]) ++k;
    current_ = std::move(pending_[k]);
    currentId_ = pendingId_[k];
    pending_[k].reset();
    cancel_.store(false);
    const Request request = *current_;
    const std::uint64_t id = currentId_;
    lock.unlock();

    busyKind_.store(int(request.kind));
    fraction_.store(0);
    estTotalS_.store(-1);
    startNs_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
    busy_.store(true);
    try {
      execute(request, id);
    } catch (const std::exception& e) {
      // Errors on the worker become UI state, never cross threads as exceptions.
      draft_.error = std::string(toString(request.kind)) + ": " + e.what();
      publish();
    }
    busy_.store(false);

    lock.lock();
    current_.reset();
    idleCv_.notify_all();
    if (onPublish_) onPublish_();  // the status bar changes from busy to idle
  }
}

void Worker::execute(const Request& request, std::uint64_t id) {
  switch (request.kind) {
    case RequestKind::Timing: runTiming(request, id); break;
    case RequestKind::Sweep: runSweep(request, id); break;
    case RequestKind::Roofline: runRoofline(request, id); break;
    case RequestKind::Cache: runCache(request, id); break;
    case RequestKind::Animation: runAnimation(request, id); break;
    case RequestKind::Threads: runThreads(request, id); break;
    case RequestKind::Probe: runProbe(request, id); break;
  }
}

void Worker::publish() {
  ++draft_.version;
  auto next = std::make_shared<const Snapshot>(draft_);
  {
    std::lock_guard lock(mutex_);
    published_ = std::move(next);
  }
  if (onPublish_) onPublish_();
}

void Worker::setWhat(std::string what) {
  std::lock_guard lock(mutex_);
  what_ = std::move(what);
}

void Worker::runTiming(const Request& request, std::uint64_t id) {
  const auto t0 = Clock::now();
  const RunSettings& s = request.settings;
  const int n = s.params.n;
  std::vector<Job> jobs = jobsFor(s, n);
  if (jobs.empty()) throw UsageError("select at least one kernel");
  checkMemory(jobs);
  draft_.error.clear();
  // "Run mine again": the other kernels' records of the newest complete run
  // at these settings stay; only the asked ones are timed.
  const TimingRun* earlier = nullptr;
  if (!request.only.empty()) {
    if (draft_.timing && draft_.timing->complete && draft_.timing->settings == s) earlier = &*draft_.timing;
    for (auto it = draft_.history.rbegin(); !earlier && it != draft_.history.rend(); ++it)
      if (it->settings == s) earlier = &*it;
  }
  const TimingRun kept = earlier ? *earlier : TimingRun{};
  if (earlier) {
    std::erase_if(jobs, [&](const Job& j) {
      return std::find(request.only.begin(), request.only.end(), j.kernel->info.id) == request.only.end();
    });
    if (jobs.empty()) throw UsageError("the kernel to run again is not selected");
  }

  std::map<Family, Problem> problems;
  auto problemFor = [&](Family f, int size) -> const Problem& {
    auto it = problems.find(f);
    if (it == problems.end() || it->second.n != size) it = problems.insert_or_assign(f, engine_.makeProblem(f, size)).first;
    return it->second;
  };

  // Seconds of one run of each job: measured at the probe size and scaled
  // by the work, or guessed.
  std::vector<double> est(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) est[i] = guessSeconds(jobs[i]);

  draft_.preview.reset();
  if (n > kProbeN && !earlier) {
    TimingRun probe;
    probe.request = id;
    probe.settings = s;
    probe.n = kProbeN;
    probe.preview = true;
    std::vector<Job> probeJobs = jobsFor(s, kProbeN);
    for (std::size_t i = 0; i < probeJobs.size(); ++i) {
      if (cancelled()) break;
      const Job& j = probeJobs[i];
      setWhat("quick look: " + describe(j, 0, 1));
      fraction_.store(0.02 * double(i) / probeJobs.size());
      BenchRecord r = engine_.runJob(j, problemFor(j.kernel->info.family, kProbeN), {0, 1}, &cancel_, {});
      if (r.outcome == Outcome::Cancelled) break;
      if (r.outcome == Outcome::Ok && r.medianS > 0) est[i] = r.medianS * j.kernel->work(jobs[i].params) / r.work;
      probe.records.push_back(std::move(r));
      probe.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      draft_.preview = probe;
      publish();
    }
    problems.clear();
  }

  // Two passes, fastest kernel first: one run of each at the real size (a
  // number for every kernel as early as possible; it also serves as the
  // warm-up), then the repetitions for a trustworthy median. A kernel whose
  // single run takes seconds keeps its one run.
  std::vector<std::size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return est[a] < est[b]; });
  std::vector<RunOptions> opts(jobs.size());
  double total = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const RunOptions r = repsForEstimate(est[i]);
    // The first pass ran it once already: no warm-up, and no second pass
    // when one run is all there would be.
    opts[i] = {0, r.reps > 1 ? r.reps : 0};
    total += est[i] * (1 + opts[i].reps);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  estTotalS_.store(total + elapsed);
  fraction_.store(elapsed / (total + elapsed));

  TimingRun run;
  run.request = id;
  run.settings = s;
  run.n = n;
  if (earlier) {
    run.records = kept.records;
    for (const Job& j : jobs) run.rerun.push_back(j.kernel->info.id);
  }
  draft_.timing = run;
  publish();
  auto store = [&](BenchRecord r) {
    if (r.outcome == Outcome::Failed) draft_.error = r.kernel + ": " + r.failure;
    auto same = std::find_if(run.records.begin(), run.records.end(),
                             [&](const BenchRecord& o) { return o.kernel == r.kernel; });
    if (same != run.records.end()) *same = std::move(r);
    else run.records.push_back(std::move(r));
    run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    draft_.timing = run;
    publish();
  };
  double doneS = elapsed;
  std::vector<bool> failed(jobs.size(), false);
  for (int pass = 0; pass < 2 && !cancelled(); ++pass) {
    for (std::size_t i : order) {
      if (cancelled()) break;
      const Job& j = jobs[i];
      const RunOptions o = pass == 0 ? RunOptions{0, 1} : opts[i];
      if (o.reps == 0 || failed[i]) continue;
      const double jobS = est[i] * o.reps;
      ProgressFn progress = [&](const Progress& p) {
        setWhat(describe(j, p.run, p.runs) + (pass == 0 ? " (first look)" : ""));
        fraction_.store((doneS + jobS * p.run / std::max(1, p.runs)) / (total + elapsed));
      };
      BenchRecord r = engine_.runJob(j, problemFor(j.kernel->info.family, n), o, &cancel_, progress);
      doneS += jobS;
      if (r.outcome == Outcome::Cancelled) break;
      failed[i] = r.outcome == Outcome::Failed;
      store(std::move(r));
    }
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (cancelled()) {
    run.outcome = Outcome::Cancelled;
  } else {
    run.complete = true;
    draft_.history.push_back(run);
    if (draft_.history.size() > kHistoryLength) draft_.history.erase(draft_.history.begin());
    draft_.lastFinished = id;
  }
  draft_.timing = run;
  publish();
}

void Worker::runSweep(const Request& request, std::uint64_t id) {
  const RunSettings& s = request.settings;
  SweepRun sweep;
  sweep.request = id;
  sweep.settings = s;
  sweep.axis = request.axis;
  sweep.values = sweepValues(request.axis, s);
  if (sweep.values.empty())
    throw UsageError(std::string("no selected kernel uses '") + toString(request.axis) + "'");

  // Jobs: each kernel that reads the swept parameter, at each value.
  std::vector<Job> jobs;
  for (int v : sweep.values) {
    RunSettings at = s;
    if (request.axis == SweepAxis::N) at.params.n = v;
    if (request.axis == SweepAxis::Block) at.params.block = v;
    if (request.axis == SweepAxis::Threads) at.params.threads = v;
    if (request.axis == SweepAxis::Density) at.params.density = v / 1000.0;
    for (const Job& j : jobsFor(at, at.params.n)) {
      const bool applies = request.axis == SweepAxis::N ||
                           (request.axis == SweepAxis::Block && j.kernel->uses(Param::Block)) ||
                           (request.axis == SweepAxis::Threads && j.kernel->uses(Param::Threads)) ||
                           (request.axis == SweepAxis::Density && j.kernel->uses(Param::Density));
      if (applies) jobs.push_back(j);
    }
  }
  if (request.axis == SweepAxis::Density) {
    // The selected dense kernels of the same family, once: the reference
    // lines the sparse times cross.
    std::vector<Family> sparse;
    for (const Job& j : jobs) sparse.push_back(j.kernel->info.family);
    for (const Job& j : jobsFor(s, s.params.n))
      if (!j.kernel->uses(Param::Density) && std::find(sparse.begin(), sparse.end(), j.kernel->info.family) != sparse.end())
        jobs.push_back(j);
  }
  checkMemory(jobs);
  draft_.error.clear();
  draft_.sweep = sweep;
  publish();

  // A kernel's last measured rate predicts its next point (work scales, the
  // rate roughly stays), which sets repetitions and the ETA.
  std::map<std::string, double> rate;
  auto estimate = [&](const Job& j) {
    auto it = rate.find(j.kernel->info.id);
    return it != rate.end() && it->second > 0 ? j.kernel->work(j.params) / it->second : guessSeconds(j);
  };
  double total = 0;
  for (const Job& j : jobs) total += estimate(j) * 4;
  double done = 0;
  estTotalS_.store(-1);  // guesses only: let the status bar extrapolate from the fraction
  Problem problem;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (cancelled()) break;
    const Job& j = jobs[i];
    const double e = estimate(j);
    const RunOptions opts = repsForEstimate(e);
    const double jobS = e * (opts.warmup + opts.reps);
    ProgressFn progress = [&](const Progress& p) {
      setWhat("sweep " + describe(j, p.run, p.runs));
      fraction_.store((done + jobS * p.run / std::max(1, p.runs)) / std::max(total, 1e-9));
    };
    if (problem.n != j.params.n || problem.family != j.kernel->info.family)
      problem = engine_.makeProblem(j.kernel->info.family, j.params.n);
    BenchRecord r = engine_.runJob(j, problem, opts, &cancel_, progress);
    done += jobS;
    if (r.outcome == Outcome::Cancelled) break;
    if (r.outcome == Outcome::Ok && r.medianS > 0) rate[r.kernel] = r.work / r.medianS;
    // Re-estimate what is left with what was just learned.
    total = done;
    for (std::size_t k = i + 1; k < jobs.size(); ++k) {
      const RunOptions o = repsForEstimate(estimate(jobs[k]));
      total += estimate(jobs[k]) * (o.warmup + o.reps);
    }
    sweep.records.push_back(std::move(r));
    draft_.sweep = sweep;
    publish();
  }
  if (cancelled()) sweep.outcome = Outcome::Cancelled;
  else sweep.complete = true;
  draft_.sweep = sweep;
  publish();
}

namespace {

// The trace spec of a kernel at the request's parameters (bits and density
// where the kernel reads them).
trace::KernelTraceSpec traceSpec(const std::string& kernel, const Params& p, int n, int block) {
  trace::KernelTraceSpec spec;
  spec.kernel = kernel;
  spec.n = n;
  spec.block = block;
  const Kernel* k = findKernel(kernel);
  if (k && k->uses(Param::Bits)) spec.bits = paramsFor(*k, p).bits;
  if (k && k->uses(Param::Density)) spec.density = p.density;
  return spec;
}

// Exact reference count of a full traced run, for the sampling budget.
double referencesOf(const trace::KernelTraceSpec& spec) { return double(trace::resolveKernel(spec).references()); }

// Replaces level `index` by `spec`, or drops it and those below ("none").
void overrideLevel(sim::HierarchyConfig& h, std::size_t index, const std::string& spec, const char* name) {
  if (spec.empty()) return;
  if (spec == "none") {
    if (index == 0) throw UsageError("L1 cannot be dropped");
    if (h.levels.size() > index) h.levels.resize(index);
    return;
  }
  if (index > h.levels.size()) throw UsageError(std::string(name) + " " + spec + ": the level above it was dropped");
  const std::string levelName = index < h.levels.size() ? h.levels[index].name : name;
  const sim::LevelConfig level = sim::parseLevelSpec(spec, levelName);
  if (index < h.levels.size()) h.levels[index] = level;
  else h.levels.push_back(level);
}

}  // namespace

sim::HierarchyConfig requestHierarchy(const Request& request, std::string* name) {
  const std::string preset = request.caches.empty() ? "host" : request.caches;
  sim::HierarchyConfig h = trace::hierarchyFor(trace::loadPreset(preset));
  std::string caption = preset;
  const std::string specs[3] = {request.l1, request.l2, request.l3};
  const char* names[3] = {"L1", "L2", "L3"};
  std::string changed;
  for (std::size_t l = 0; l < 3; ++l) {
    overrideLevel(h, l, specs[l], names[l]);
    if (!specs[l].empty()) changed += std::string(changed.empty() ? "" : ", ") + names[l] + " " + specs[l];
  }
  if (!request.replacement.empty()) h.replacement = sim::parseReplacement(request.replacement);
  if (!request.writePolicy.empty()) h.write = sim::parseWritePolicy(request.writePolicy);
  sim::validate(h);
  if (!changed.empty()) caption += " with " + changed;
  if (name) *name = caption;
  return h;
}

void Worker::runCache(const Request& request, std::uint64_t id) {
  const RunSettings& s = request.settings;
  const int n = s.params.n;
  const int block = std::min(s.params.block, n);
  CacheRun run;
  run.request = id;
  run.settings = s;
  run.n = n;
  run.block = block;
  run.chosenBlock = s.params.block;
  const sim::HierarchyConfig hierarchy = requestHierarchy(request, &run.cacheName);
  for (const sim::LevelConfig& l : hierarchy.levels) {
    run.levelNames.push_back(l.name);
    run.levelBytes.push_back(l.sizeBytes);
    run.levelSpecs.push_back(sim::describe(l));
  }
  run.replacement = sim::toString(hierarchy.replacement);
  run.writePolicy = sim::toString(hierarchy.write);
  // The sides: every selected kernel with a traced loop nest, in the
  // selection's order; the others are named with why.
  for (const std::string& k : s.kernels) {
    const Kernel* kernel = findKernel(k);
    if (!kernel) continue;
    if (kernel->traceable()) run.kernels.push_back(k);
    else run.untraced.push_back({k, kernel->info.traceNote});
  }
  if (run.kernels.empty()) {
    run.kernels = kernelRoles().comparePair;
    run.fallback = true;
  }
  // The block sweep: the registry's sweep kernel when it is a side, else the
  // first side whose nest uses a block.
  for (const std::string& k : run.kernels)
    if (k == kernelRoles().blockSweep) run.sweepKernel = k;
  if (run.sweepKernel.empty())
    for (const std::string& k : run.kernels)
      if (findKernel(k)->trace->usesBlock) {
        run.sweepKernel = k;
        break;
      }
  if (!run.sweepKernel.empty())
    for (int b = 4; b <= std::min(n, 512); b *= 2) run.sweepBlocks.push_back(b);
  draft_.error.clear();
  draft_.cache = run;
  publish();

  struct Job {
    trace::KernelTraceSpec spec;
    double budget;
    bool side;
  };
  std::vector<Job> jobs;
  for (const std::string& k : run.kernels) jobs.push_back({traceSpec(k, s.params, n, block), kCacheSideBudget, true});
  for (int b : run.sweepBlocks) jobs.push_back({traceSpec(run.sweepKernel, s.params, n, b), kCacheSweepBudget, false});
  // Progress in simulated references: a sampled run costs its window plus a
  // quarter of it for the warm-up; the three-C split about five times more.
  std::vector<double> cost, refs;
  double total = 0;
  for (const Job& j : jobs) {
    refs.push_back(referencesOf(j.spec));
    const double r = refs.back();
    const double counted = std::min(r, std::max(j.budget, r * double(j.spec.block) / n));
    cost.push_back((counted < r ? counted * 1.25 : r) * (j.side ? 5 : 1));
    total += cost.back();
  }
  estTotalS_.store(-1);
  double done = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (cancelled()) break;
    const Job& j = jobs[i];
    trace::SimulationRequest req;
    req.kernel = j.spec;
    req.cache = hierarchy;
    req.sample = std::clamp(j.budget / refs[i], 1e-6, 1.0);
    // The 3C split costs about 5x: only for the side-by-side numbers.
    req.missClasses = j.side;
    req.cancel = &cancel_;
    std::atomic<double> progress{0};
    req.progress = &progress;
    const bool usesBlock = findKernel(j.spec.kernel)->trace->usesBlock;
    setWhat("simulating " + j.spec.kernel + " n=" + std::to_string(n) +
            (usesBlock ? " block=" + std::to_string(j.spec.block) : "") + " on " + run.cacheName + " caches");
    trace::SimulationResult r;
    {
      ProgressTicker ticker([&] { fraction_.store((done + cost[i] * progress.load()) / total); });
      r = engine_.simulate(req);
    }
    done += cost[i];
    fraction_.store(done / total);
    if (r.outcome == Outcome::Cancelled) break;
    if (j.side) {
      CacheSide side;
      side.kernel = j.spec.kernel;
      side.missClasses = r.cache.missClasses == sim::MissClasses::On;
      side.sampleFraction = r.sampleFraction;
      side.references = r.references;
      side.seconds = r.wallSeconds;
      for (const sim::LevelCounters& c : r.levels) {
        side.accesses.push_back(c.accesses);
        side.hits.push_back(c.hits);
        side.misses.push_back(c.misses);
        side.compulsory.push_back(c.compulsory);
        side.capacity.push_back(c.capacity);
        side.conflict.push_back(c.conflict);
      }
      run.sides.push_back(std::move(side));
    } else {
      CacheSweepPoint p;
      p.block = j.spec.block;
      p.sampleFraction = r.sampleFraction;
      for (const sim::LevelCounters& c : r.levels) p.hitRate.push_back(c.hitRate());
      run.sweep.push_back(std::move(p));
    }
    draft_.cache = run;
    publish();
  }
  if (cancelled()) run.outcome = Outcome::Cancelled;
  else run.complete = true;
  draft_.cache = run;
  publish();
}

void Worker::runRoofline(const Request& request, std::uint64_t id) {
  const auto t0 = Clock::now();
  RooflineOptions options;
  options.threads = std::max(1, request.settings.params.threads);
  // Peak and triad take `seconds` each (plus filling the triad arrays).
  estTotalS_.store(2 * options.seconds + 0.5);
  setWhat("roofline: FMA peak and triad bandwidth, " + std::to_string(options.threads) + " thread(s)");
  RooflineResult result;
  {
    // The measurement reports no progress of its own: advance the bar by time.
    ProgressTicker ticker(
        [&] {
          const double t = std::chrono::duration<double>(Clock::now() - t0).count();
          fraction_.store(std::min(0.95, t / estTotalS_.load()));
        },
        std::chrono::milliseconds(50));
    result = engine_.measureRoofline(options, &cancel_);
  }
  if (result.outcome == Outcome::Failed) throw RunFailure(result.failure);
  RooflineRun run{id, result.machine, options.threads, 0, result.outcome, false, {}};
  if (request.levels && result.outcome == Outcome::Ok) {
    // A roof per level (the probe), then each kernel's bytes per level.
    run.levels = true;
    setWhat("roofline: read bandwidth of L1, L2, L3 and DRAM, " + std::to_string(options.threads) + " thread(s)");
    const LevelRoofsResult roofs = engine_.measureLevelRoofs(options.threads, options.seconds, &cancel_);
    if (roofs.outcome == Outcome::Failed) throw RunFailure("bandwidth per level: " + roofs.failure);
    run.outcome = roofs.outcome;
    run.machine.levelRoofs = roofs.roofs;
    for (const std::string& id : request.settings.kernels) {
      if (run.outcome != Outcome::Ok || cancelled()) break;
      const Kernel* k = findKernel(id);
      if (!k) continue;
      Params p = request.settings.params;
      p.bits = runBits(*k, p.bits);
      setWhat("roofline: simulating " + id + " n=" + std::to_string(p.n) + " for its bytes per level");
      fraction_.store(0);
      RooflineKernelTraffic t{id, p, engine_.kernelTraffic(*k, p, &cancel_, &fraction_)};
      if (t.traffic.outcome != Outcome::Ok) run.outcome = t.traffic.outcome;
      else run.traffic.push_back(std::move(t));
    }
    if (cancelled()) run.outcome = Outcome::Cancelled;
  }
  draft_.error.clear();
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  draft_.roofline = run;
  publish();
}

}  // namespace cachescope::engine
