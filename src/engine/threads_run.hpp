// The Threads view's data: one real run of matmul.parallel with a
// TileRecorder attached (which arena thread computed which block of C, from
// when to when), and the summaries the view draws. GL-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "kernels/kernel.hpp"
#include "kernels/matmul_parallel.hpp"
#include "platform/outcome.hpp"

namespace cachescope::engine {

struct ThreadsRun {
  std::uint64_t request = 0;
  int n = 0, threads = 0;
  std::vector<TileRecord> records;  // the recorded run shown
  std::size_t dropped = 0;
  double shownSeconds = 0;          // wall time of that run
  // Medians of runs with recording off and on, interleaved: what recording costs.
  double plainMedianS = 0, recordedMedianS = 0;
  int runsEach = 0;
  // Of the 2 x runsEach timed runs, how many had a worker late enough that
  // the main thread moved off its CPU for it (kernels/share_out.hpp).
  int lateWorkerRuns = 0;
  Outcome outcome = Outcome::Ok;    // Cancelled: stopped (between or inside runs); the pairs that finished are kept
};

// Runs matmul.parallel at p.n on p.threads threads (at most the cores) with
// its tiles recorded: a warm-up, then runs with recording off and on
// interleaved, about a second in all. Checks *cancel between runs and, with
// a CancelScope on it, inside each run; publishes its progress (0..1)
// through *fraction. Throws UsageError when
// matmul.parallel is not registered.
ThreadsRun recordThreadsRun(Params p, const std::atomic<bool>* cancel = nullptr,
                            std::atomic<double>* fraction = nullptr);

struct ThreadLoad {
  int tasks = 0;
  double busyS = 0;   // sum of task durations
  double firstS = 0, lastS = 0;
};

// Per arena thread slot 0 .. threads-1 (slots that never ran a task: zero).
std::vector<ThreadLoad> threadLoads(const ThreadsRun& run);
// Busiest thread's busy time over the mean (1 = perfectly balanced).
double imbalance(const std::vector<ThreadLoad>& loads);
// C as cellRows x cellCols cells (cell = `factor` x `factor` elements): the
// slot that spent the most time on each cell over all k passes, -1 none.
std::vector<int> ownerGrid(const ThreadsRun& run, int factor, int cellRows, int cellCols);

}  // namespace cachescope::engine
