#include "engine/threads_run.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "bench/stats.hpp"
#include "kernels/registry.hpp"
#include "platform/errors.hpp"
#include "platform/cancel.hpp"
#include "platform/cpu_nudge.hpp"
#include "platform/host.hpp"

namespace cachescope::engine {

ThreadsRun recordThreadsRun(Params p, const std::atomic<bool>* cancel, std::atomic<double>* fraction) {
  using Clock = std::chrono::steady_clock;
  const std::string& id = kernelRoles().threads;
  const Kernel* kernel = findKernel(id);
  if (!kernel) throw UsageError(id + " is not registered in this build: no threads to show");
  p.threads = std::clamp(p.threads, 1, std::max(1, host().logicalCores));
  p.bits = 32;
  const Problem problem = makeProblem(Family::Matmul, p.n);
  std::unique_ptr<Prepared> prepared = kernel->prepare(problem, p);
  auto* recording = dynamic_cast<TileRecording*>(prepared.get());
  if (!recording) throw RunFailure(id + " does not offer tile recording");
  TileRecorder recorder(recording->tilesPerRun());
  tbb::task_arena arena(p.threads);
  ThreadsRun run;
  bool counting = false;  // the warm-up is not counted
  auto timed = [&] {
    const long moves = cpuNudgeCount();
    const auto t0 = Clock::now();
    arena.execute([&] { prepared->run(); });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (counting && cpuNudgeCount() != moves) ++run.lateWorkerRuns;
    return s;
  };
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  run.n = p.n;
  run.threads = p.threads;
  // The kernel reads the flag between its bands too (kernels/share_out.hpp):
  // a stop lands inside a run, not only between runs.
  std::optional<CancelScope> scope;
  if (cancel) scope.emplace(cancel);
  std::vector<double> off, on;
  try {
    const double warm = timed();  // first touch of C and the packing buffers
    counting = true;
    // Off and on interleaved, so both see the same machine; about a second.
    const int each = std::clamp(int(0.5 / std::max(warm, 1e-6)), 1, 7);
    for (int r = 0; r < each && !cancelled(); ++r) {
      if (fraction) fraction->store(double(r) / each);
      recording->setTileRecorder(nullptr);
      const double plain = timed();
      recorder.restart();
      recording->setTileRecorder(&recorder);
      const double s = timed();
      recording->setTileRecorder(nullptr);
      off.push_back(plain);
      on.push_back(s);
      run.records = recorder.records();
      run.dropped = recorder.dropped();
      run.shownSeconds = s;
    }
  } catch (const Cancelled&) {
    // Stopped inside a run: the pairs that finished are kept.
    recording->setTileRecorder(nullptr);
  }
  if (cancelled()) run.outcome = Outcome::Cancelled;
  if (!off.empty()) {
    run.plainMedianS = median(off);
    run.recordedMedianS = median(on);
  }
  run.runsEach = int(off.size());
  return run;
}

std::vector<ThreadLoad> threadLoads(const ThreadsRun& run) {
  int slots = run.threads;
  for (const TileRecord& r : run.records) slots = std::max(slots, r.thread + 1);
  std::vector<ThreadLoad> loads(std::size_t(std::max(slots, 0)));
  for (const TileRecord& r : run.records) {
    if (r.thread < 0) continue;
    ThreadLoad& l = loads[std::size_t(r.thread)];
    if (l.tasks == 0 || r.t0 < l.firstS) l.firstS = r.t0;
    l.lastS = std::max(l.lastS, r.t1);
    ++l.tasks;
    l.busyS += r.t1 - r.t0;
  }
  return loads;
}

double imbalance(const std::vector<ThreadLoad>& loads) {
  double sum = 0, most = 0;
  for (const ThreadLoad& l : loads) {
    sum += l.busyS;
    most = std::max(most, l.busyS);
  }
  return sum > 0 ? most * double(loads.size()) / sum : 1.0;
}

std::vector<int> ownerGrid(const ThreadsRun& run, int factor, int cellRows, int cellCols) {
  const std::size_t cells = std::size_t(cellRows) * std::size_t(cellCols);
  int slots = run.threads;
  for (const TileRecord& r : run.records) slots = std::max(slots, r.thread + 1);
  std::vector<double> time(cells * std::size_t(std::max(slots, 1)), 0.0);
  for (const TileRecord& r : run.records) {
    if (r.thread < 0 || r.rows <= 0 || r.cols <= 0) continue;
    // Time per element of the task, spread over the cells it covers.
    const double perElement = (r.t1 - r.t0) / (double(r.rows) * double(r.cols));
    const int c0 = r.row0 / factor, c1 = std::min(cellRows - 1, (r.row0 + r.rows - 1) / factor);
    const int d0 = r.col0 / factor, d1 = std::min(cellCols - 1, (r.col0 + r.cols - 1) / factor);
    for (int cr = c0; cr <= c1; ++cr)
      for (int cc = d0; cc <= d1; ++cc) {
        const int rows = std::min(r.row0 + r.rows, (cr + 1) * factor) - std::max(r.row0, cr * factor);
        const int cols = std::min(r.col0 + r.cols, (cc + 1) * factor) - std::max(r.col0, cc * factor);
        if (rows > 0 && cols > 0)
          time[(std::size_t(cr) * std::size_t(cellCols) + std::size_t(cc)) * std::size_t(slots) + std::size_t(r.thread)] +=
              perElement * rows * cols + 1e-12;  // a zero-length task still marks its owner
      }
  }
  std::vector<int> owner(cells, -1);
  for (std::size_t c = 0; c < cells; ++c) {
    double best = 0;
    for (int t = 0; t < slots; ++t)
      if (time[c * std::size_t(slots) + std::size_t(t)] > best) {
        best = time[c * std::size_t(slots) + std::size_t(t)];
        owner[c] = t;
      }
  }
  return owner;
}

}  // namespace cachescope::engine
