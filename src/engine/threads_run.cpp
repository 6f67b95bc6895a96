#include "engine/threads_run.hpp"

#include <algorithm>

namespace cachescope::engine {

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
