#include "trace/simulation.hpp"

#include <bit>
#include <chrono>
#include <climits>
#include <cmath>
#include <ctime>

#include "platform/cpu_time.hpp"
#include "platform/host.hpp"
#include "trace/counting_sink.hpp"
#include "trace/errors.hpp"
#include "trace/split_count.hpp"
#include "trace/trace_reader.hpp"

namespace cachescope::trace {

namespace {

constexpr std::uint64_t kPollEvery = 1 << 20;

// Unwinds the loop nest at the end of a sampling window, as Cancelled
// (platform/outcome.hpp) does when the cancel flag is seen.
struct WindowDone {};

// Progress and cancellation, polled after every batch of references (every
// kPollEvery references on the event path).
struct Poller {
  const std::atomic<bool>* cancel;
  std::atomic<double>* progress;
  double expected;
  [[gnu::noinline]] void operator()(std::uint64_t done) const {
    if (progress && expected > 0) progress->store(std::min(1.0, double(done) / expected), std::memory_order_relaxed);
    if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled{};
  }
};

// Sampling window and/or events: follows the nest's outer loop (outer()
// marks). Without an observer the references are counted a batch at a time
// like the full run's; the sink flushes at each outer iteration, so the
// counters are reset and the window closed exactly there.
template <class H>
class WindowSink final : public TraceSink {
 public:
  WindowSink(H& h, const Poller& poll, EventObserver* observer, int begin, int end, bool measuring)
      : TraceSink(observer != nullptr, true), h_(h), poll_(poll), observer_(observer), begin_(begin), end_(end),
        measuring_(measuring) {}
  std::uint64_t countedFrom = 0, writesFrom = 0;

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t first) override {
    if (!observer_) {
      h_.countBatch(address, flags, n);
      poll_(first + n);
      return;
    }
    std::size_t m = 0;
    for (std::size_t r = 0; r < n; ++r) {
      for (; m < marks.size() && marks[m].before <= first + r; ++m)
        if (marks[m].kind == TraceMark::Kind::Point) observer_->onPoint(marks[m].i, marks[m].j, marks[m].k);
      const sim::Op op = isWrite(flags[r]) ? sim::Op::Write : sim::Op::Read;
      const std::uint32_t size = sizeOf(flags[r]);
      observer_->onAccess(address[r], size, op, h_.access(address[r], size, op));
    }
    if ((first + n) / kPollEvery != first / kPollEvery) poll_(first + n);
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    const sim::Op op = opOf(kind);
    if (observer_)
      observer_->onAccess(address, size, op, h_.access(address, size, op));
    else
      h_.count(address, size, op);
  }
  void onOuter(int o) override {
    if (!measuring_ && o >= begin_) {
      h_.resetCounters();
      countedFrom = references();
      writesFrom = writes();
      measuring_ = true;
    }
    if (o >= end_) throw WindowDone{};
  }

 private:
  H& h_;
  const Poller& poll_;
  EventObserver* observer_;
  int begin_, end_;
  bool measuring_;
};

// The hierarchy and the reuse-distance pass of the miss-ratio curve, fed the
// same references: what CountingSink and the trace path call.
template <class H>
struct WithCurve {
  H& h;
  sim::ReuseDistance& rd;
  std::uint32_t shift;
  bool on = true;  // false: the hierarchy only
  [[gnu::always_inline]] void lines(std::uint64_t address, std::uint32_t size) {
    if (!on) return;
    const std::uint64_t last = (address + (size ? size : 1) - 1) >> shift;
    for (std::uint64_t l = address >> shift; l <= last; ++l) rd.access(l);
  }
  void countBatch(const std::uint64_t* address, const RefFlags* flags, std::size_t n) {
    h.countBatch(address, flags, n);
    for (std::size_t i = 0; i < n; ++i) lines(address[i], sizeOf(flags[i]));
  }
  void count(std::uint64_t address, std::uint32_t size, sim::Op op) {
    h.count(address, size, op);
    lines(address, size);
  }
};

void collect(const sim::CacheModel& model, SimulationResult& r) {
  r.levels = model.allCounters();
  r.memory = model.memory();
}

}  // namespace

sim::HierarchyConfig hierarchyFor(const CachePreset& preset) {
  sim::HierarchyConfig c;
  c.levels = preset.levels;
  if (preset.replacement) c.replacement = *preset.replacement;
  return c;
}

SimulationResult simulate(const SimulationRequest& req) {
  SimulationResult r;
  r.source = req.source;
  if (!(req.sample > 0.0 && req.sample <= 1.0)) throw SimulationError("--sample must be in (0, 1]");
  if (req.source == Source::TraceFile && req.sample < 1.0)
    throw SimulationError("--sample applies to kernels, not to trace files");
  if (req.mrc && req.sample < 1.0)
    throw SimulationError("--mrc covers the whole run: it cannot be combined with --sample");
  if (req.mrc && req.observer) throw SimulationError("the miss-ratio curve is not computed with an event observer");

  sim::HierarchyConfig cfg = req.cache;
  std::optional<TracedKernel> kernel;
  std::uint64_t expected = 0;  // references the run will simulate
  if (req.source == Source::Kernel) {
    kernel = resolveKernel(req.kernel);
    const int count = kernel->outerCount();
    r.kernel = *kernel;
    r.outerCount = count;
    r.outerBegin = 0;
    r.outerEnd = count;
    if (req.sample < 1.0 && count > 1) {
      const int share = int(std::min<double>(std::ceil(req.sample * count), count));
      if (share < count) {
        // One row of naive ijk already sweeps all of B, so a quarter of the
        // window (at least one outer iteration) warms every level.
        const int warm = std::min(std::max(1, share / 4), count - share);
        r.sampled = true;
        r.warmupOuter = warm;
        r.outerBegin = warm;
        r.outerEnd = std::min(count, warm + share);
        r.sampleFraction = double(r.outerEnd - r.outerBegin) / double(count);
      }
    }
    expected = std::uint64_t(double(kernel->references()) * double(r.outerEnd) / double(std::max(1, count)));
  }

  if (req.missClasses)
    cfg.missClasses = *req.missClasses ? sim::MissClasses::On : sim::MissClasses::Off;
  else if (req.source == Source::Kernel)
    cfg.missClasses = expected <= kAutoMissClassesLimit ? sim::MissClasses::On : sim::MissClasses::Off;
  else
    cfg.missClasses = sim::MissClasses::Off;  // a trace: decided below by its references

  Poller poll{req.cancel, req.progress, double(expected)};
  // A trace's wall and CPU time include its read-ahead.
  const auto t0 = std::chrono::steady_clock::now();
  const double traceCpu0 = threadCpuSeconds();
  std::optional<LineReader> reader;
  // Automatic split on a trace: the references read ahead, simulated first.
  struct Ahead {
    std::uint64_t address;
    std::uint32_t size;
    sim::Op op;
  };
  std::vector<Ahead> ahead;
  TraceStats traceStats;
  bool traceEnded = false;
  if (req.source == Source::TraceFile) {
    if (req.tracePath.empty()) throw SimulationError("--trace needs a file name or '-'");
    sim::validate(cfg);  // a bad configuration is reported before the trace is read
    reader.emplace(req.tracePath);
    if (reader->fileBytes() > 0) poll.expected = double(reader->fileBytes());  // progress by bytes read
    if (!req.missClasses) {
      sim::HierarchyConfig withSplit = cfg;
      withSplit.missClasses = sim::MissClasses::On;
      bool splitFits = true;
      try {
        sim::validate(withSplit);
      } catch (const sim::ConfigError&) {
        splitFits = false;  // the split's tables alone would not fit: off, as for a long trace
      }
      if (splitFits) {
        const std::uint64_t limit = req.autoTraceLimit ? req.autoTraceLimit : kAutoTraceMissClassesLimit;
        try {
          traceEnded = readTraceUntil(
              *reader, req.skipBad, traceStats, limit + 1,
              [&](std::uint64_t a, std::uint32_t sz, sim::Op op) { ahead.push_back({a, sz, op}); },
              [&](const TraceStats&) { poll(reader->bytesRead()); });
        } catch (const Cancelled&) {
          r.outcome = Outcome::Cancelled;
          traceEnded = true;  // nothing more is read
        }
        if (traceEnded && r.outcome == Outcome::Ok) cfg.missClasses = sim::MissClasses::On;
      }
    }
  }
  r.cache = cfg;
  auto model = std::make_shared<sim::CacheModel>(cfg);  // validates
  sim::ReuseDistance reuse;
  const std::uint32_t curveShift = std::uint32_t(std::countr_zero(cfg.levels[0].lineBytes));

  if (kernel) {
    std::unique_ptr<TraceRun> run = kernel->prepare();
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = threadCpuSeconds();
    double splitCpu = 0;  // the split's threads
    model->visit([&](auto& h) {
      using HT = std::remove_reference_t<decltype(h)>;
      if (!r.sampled && !req.observer) {
        auto whole = [&](auto& target, bool filter) {
          CountingSink<std::remove_reference_t<decltype(target)>, const Poller&> sink(target, poll);
          // Reads of the line L1's set used last are counted in the sink
          // (hits that change nothing): the same counts, fewer references
          // simulated one by one.
          if (filter) sink.filterRepeatedReads(h.lineShift0(), h.level(0).sets());
          try {
            run->runAddresses(sink);
            sink.flush();
          } catch (const Cancelled&) {
            r.outcome = Outcome::Cancelled;
          }
          // A split count is merged into h before h is touched here.
          if constexpr (requires { target.finish(); }) {
            target.finish();
            r.threads = target.parts();
            splitCpu = target.workerCpuSeconds();
          }
          h.countFilteredReads(sink.filteredReads());
          r.references = r.simulatedReferences = sink.references();
          r.writes = sink.writes();
        };
        const SplitPlan plan = splitPlan(h, req.threads ? req.threads : processCpus());
        if (req.mrc) {
          WithCurve<HT> both{h, reuse, curveShift};
          whole(both, false);  // the curve needs every line access
        } else if (plan.threads > 1 && fitsMemoryBudget(double(plan.threads) * sim::simulatorBytes(cfg).total())) {
          SplitCounter<HT> split(h, plan);
          whole(split, h.filtersRepeatedReads());
        } else {
          whole(h, h.filtersRepeatedReads());
        }
      } else {
        WindowSink<HT> sink(h, poll, req.observer, r.outerBegin, r.sampled ? r.outerEnd : INT_MAX, !r.sampled);
        try {
          run->runAddresses(sink);
          sink.flush();
        } catch (const Cancelled&) {
          r.outcome = Outcome::Cancelled;
        } catch (const WindowDone&) {
        }
        r.simulatedReferences = sink.references();
        r.references = sink.references() - sink.countedFrom;
        r.writes = sink.writes() - sink.writesFrom;
      }
    });
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpuSeconds = threadCpuSeconds() - cpu0 + splitCpu;
  } else {
    model->visit([&](auto& h) {
      using HT = std::remove_reference_t<decltype(h)>;
      // Progress and cancellation come from readTrace's callback.
      auto noPoll = [](std::uint64_t) {};
      WithCurve<HT> both{h, reuse, curveShift, req.mrc};
      CountingSink<WithCurve<HT>, decltype(noPoll)> batch(both, noPoll);
      auto sink = [&](std::uint64_t a, std::uint32_t s, sim::Op op) {
        if (req.observer)
          req.observer->onAccess(a, s, op, h.access(a, s, op));
        else
          batch.add(a, s, op == sim::Op::Write ? AccessKind::Write : AccessKind::Read);
      };
      try {
        for (const Ahead& a : ahead) sink(a.address, a.size, a.op);
        std::vector<Ahead>().swap(ahead);  // the read-ahead's memory is not kept for the rest
        if (!traceEnded)
          readTraceUntil(*reader, req.skipBad, traceStats, ~std::uint64_t(0), sink, [&](const TraceStats&) {
            batch.flush();
            poll(reader->bytesRead());
          });
        batch.flush();
      } catch (const Cancelled&) {
        r.outcome = Outcome::Cancelled;
        batch.flush();  // the counters cover every reference read
      }
      r.traceLines = r.outcome == Outcome::Ok ? traceStats.lines : reader->lineNumber();
      r.references = r.simulatedReferences = traceStats.references;
      r.writes = traceStats.writes;
      r.skippedLines = traceStats.skipped;
      r.firstSkippedLine = traceStats.firstSkippedLine;
    });
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpuSeconds = threadCpuSeconds() - traceCpu0;
  }
  if (r.wallSeconds > 0) r.accessesPerSecond = double(r.simulatedReferences) / r.wallSeconds;
  if (req.progress && r.outcome == Outcome::Ok) req.progress->store(1.0, std::memory_order_relaxed);
  collect(*model, r);
  if (req.mrc) {
    MissRatioCurve c;
    c.lineBytes = cfg.levels[0].lineBytes;
    c.lineAccesses = reuse.accesses();
    c.distinctLines = reuse.cold();
    c.points = sim::missRatioCurve(reuse, c.lineBytes);
    for (const sim::LevelConfig& l : cfg.levels) {
      sim::MissRatioPoint p;
      p.lines = std::max<std::uint64_t>(1, l.sizeBytes / c.lineBytes);
      p.sizeBytes = p.lines * c.lineBytes;
      p.misses = reuse.misses(p.lines);
      p.missRatio = c.lineAccesses ? double(p.misses) / double(c.lineAccesses) : 0.0;
      c.atLevels.push_back(p);
    }
    r.mrc = std::move(c);
  }
  r.finalState = model;
  return r;
}

}  // namespace cachescope::trace
