#include "trace/simulation.hpp"

#include <chrono>
#include <climits>
#include <cmath>
#include <ctime>

#include "platform/host.hpp"
#include "trace/batch_sink.hpp"
#include "trace/errors.hpp"
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

// Sampling window and/or events: follows the loop nest's position. Without
// an observer the references are batched like the full run's (BatchSink);
// the batch is flushed whenever the outer loop moves on, so the counters are
// reset and the window closed exactly at row boundaries.
template <class H>
struct WindowSink {
  H& h;
  const Poller& poll;
  EventObserver* observer;
  int begin, end;  // measured rows [begin, end); counters reset at `begin`
  bool measuring;
  BatchSink<H, Poller> batch{h, poll};
  std::uint64_t eventRefs = 0, eventWrites = 0, countedFrom = 0, writesFrom = 0;
  std::uint64_t nextPoll = kPollEvery;
  int lastRow = -1;

  [[gnu::always_inline]] void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (!observer) [[likely]] {
      batch.access(address, size, kind);
      return;
    }
    const bool w = kind == AccessKind::Write;
    const sim::Op op = w ? sim::Op::Write : sim::Op::Read;
    observer->onAccess(address, size, op, h.access(address, size, op));
    eventWrites += w;
    if (++eventRefs == nextPoll) {
      poll(eventRefs);
      nextPoll += kPollEvery;
    }
  }
  [[gnu::always_inline]] void point(int i, int j, int k) {
    if (observer) observer->onPoint(i, j, k);
    if (i == lastRow) [[likely]]
      return;
    nextRow(i);
  }
  [[gnu::noinline]] void nextRow(int i) {
    lastRow = i;
    if (!observer) batch.flush();
    if (!measuring && i >= begin) {
      h.resetCounters();
      countedFrom = refs();
      writesFrom = writes();
      measuring = true;
    }
    if (i >= end) throw WindowDone{};
  }
  void finish() {
    if (!observer) batch.flush();
  }
  std::uint64_t refs() const { return observer ? eventRefs : batch.references(); }
  std::uint64_t writes() const { return observer ? eventWrites : batch.writes(); }
};

double threadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::uint64_t roundUp(std::uint64_t v, std::uint64_t step) { return (v + step - 1) / step * step; }

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

  sim::HierarchyConfig cfg = req.cache;
  std::optional<TracedKernel> kernel;
  std::uint64_t expected = 0;  // references the run will simulate
  if (req.source == Source::Kernel) {
    kernel = resolveKernel(req.kernel);
    const int n = kernel->spec.n, step = kernel->rowStep();
    r.kernel = *kernel;
    r.rowBegin = 0;
    r.rowEnd = n;
    if (req.sample < 1.0) {
      const int rows = int(std::min<std::uint64_t>(roundUp(std::uint64_t(std::ceil(req.sample * n)), std::uint64_t(step)),
                                                   roundUp(std::uint64_t(n), std::uint64_t(step))));
      if (rows < n) {
        // One row of naive ijk already sweeps all of B, so a quarter of the
        // window (at least one step) warms every level.
        int warm = int(roundUp(std::uint64_t(std::max(1, rows / 4)), std::uint64_t(step)));
        warm = std::min(warm, int(roundUp(std::uint64_t(n), std::uint64_t(step))) - rows);
        r.sampled = true;
        r.warmupRows = warm;
        r.rowBegin = warm;
        r.rowEnd = std::min(n, warm + rows);
        r.sampleFraction = double(r.rowEnd - r.rowBegin) / double(n);
      }
    }
    expected = std::uint64_t(double(kernel->references()) * double(r.rowEnd) / double(n));
    const double bytesPerElement = kernel->spec.bits == 32 ? 4.0 : kernel->spec.bits == 8 ? 1.0 : 1.5;
    const double need = double(kernel->spec.n) * double(kernel->ld) * (2 * bytesPerElement + 4.0);
    const std::uint64_t avail = availableMemoryBytes();
    if (!fitsMemoryBudget(need, avail))
      throw SimulationError("n = " + std::to_string(n) + " needs " + formatBytes(std::uint64_t(need)) +
                            " of buffers, more than available");
  }

  if (req.missClasses)
    cfg.missClasses = *req.missClasses ? sim::MissClasses::On : sim::MissClasses::Off;
  else if (req.source == Source::Kernel)
    cfg.missClasses = expected <= kAutoMissClassesLimit ? sim::MissClasses::On : sim::MissClasses::Off;
  else
    cfg.missClasses = sim::MissClasses::Off;  // decided below once the file size is known

  std::optional<LineReader> reader;
  if (req.source == Source::TraceFile) {
    if (req.tracePath.empty()) throw SimulationError("--trace needs a file name or '-'");
    reader.emplace(req.tracePath);
    // Lackey lines are ~15 bytes: 1 GiB is roughly 64 M references.
    if (!req.missClasses && reader->fileBytes() > 0 && reader->fileBytes() <= (std::uint64_t(1) << 30))
      cfg.missClasses = sim::MissClasses::On;
  }
  r.cache = cfg;
  auto model = std::make_shared<sim::CacheModel>(cfg);  // validates

  Poller poll{req.cancel, req.progress, double(expected)};
  const auto t0 = std::chrono::steady_clock::now();
  if (kernel) {
    KernelTraceRun run(*kernel);
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = threadCpuSeconds();
    model->visit([&](auto& h) {
      using HT = std::remove_reference_t<decltype(h)>;
      if (!r.sampled && !req.observer) {
        BatchSink<HT, Poller> sink(h, poll);
        try {
          run.run(sink);
          sink.flush();
        } catch (const Cancelled&) {
          r.outcome = Outcome::Cancelled;
        }
        r.references = r.simulatedReferences = sink.references();
        r.writes = sink.writes();
      } else {
        WindowSink<HT> sink{h, poll, req.observer, r.rowBegin, r.sampled ? r.rowEnd : INT_MAX, !r.sampled};
        try {
          run.run(sink);
          sink.finish();
        } catch (const Cancelled&) {
          r.outcome = Outcome::Cancelled;
        } catch (const WindowDone&) {
        }
        r.simulatedReferences = sink.refs();
        r.references = sink.refs() - sink.countedFrom;
        r.writes = sink.writes() - sink.writesFrom;
      }
    });
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpuSeconds = threadCpuSeconds() - cpu0;
  } else {
    const double cpu0 = threadCpuSeconds();
    if (reader->fileBytes() > 0) poll.expected = double(reader->fileBytes());
    model->visit([&](auto& h) {
      // Progress and cancellation come from readTrace's callback.
      BatchSink batch(h, [](std::uint64_t) {});
      auto sink = [&](std::uint64_t a, std::uint32_t s, sim::Op op) {
        if (req.observer)
          req.observer->onAccess(a, s, op, h.access(a, s, op));
        else
          batch.add(a, s, op);
      };
      try {
        TraceStats st = readTrace(*reader, req.skipBad, sink, [&](const TraceStats&) {
          batch.flush();
          poll(reader->bytesRead());
        });
        batch.flush();
        r.traceLines = st.lines;
        r.references = r.simulatedReferences = st.references;
        r.writes = st.writes;
        r.skippedLines = st.skipped;
        r.firstSkippedLine = st.firstSkippedLine;
      } catch (const Cancelled&) {
        r.outcome = Outcome::Cancelled;
        r.traceLines = reader->lineNumber();
      }
    });
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpuSeconds = threadCpuSeconds() - cpu0;
  }
  if (r.wallSeconds > 0) r.accessesPerSecond = double(r.simulatedReferences) / r.wallSeconds;
  if (req.progress && r.outcome == Outcome::Ok) req.progress->store(1.0, std::memory_order_relaxed);
  collect(*model, r);
  r.finalState = model;
  return r;
}

}  // namespace cachescope::trace
