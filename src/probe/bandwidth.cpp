// Sustained read bandwidth per level: each of t threads (t = 1..threads, in
// a tbb::task_arena of t) sums its own buffer sized to sit inside L1, L2, L3
// or far beyond the last level, with the SIMD read loop of this CPU.
#include <algorithm>
#include <memory>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "platform/host.hpp"
#include "probe/internal.hpp"
#include "probe/probe.hpp"
#include "probe/read_kernels.hpp"

namespace cachescope::probe {

namespace {
volatile double gSum = 0;
}

BandwidthResult measureBandwidth(const ProbeOptions& options) {
  validate(options);
  BandwidthResult r;
  r.threads = options.threads;
  const detail::ReadKernel kernel = detail::readKernel();
  r.readLoop = kernel.name;
  const int T = options.threads;

  // Per-thread working sets: half of a private level; half of a shared one
  // divided among the threads; DRAM: the probe's largest working set.
  const std::vector<std::string> names = detail::hostLevelNames();
  for (std::size_t l = 0; l < host().caches.size(); ++l) {
    const CacheInfo& c = host().caches[l];
    LevelBandwidth lb;
    lb.level = names[l];
    std::uint64_t ws = c.sizeBytes / 2;
    if (c.sharedByCpus > 1) ws /= std::uint64_t(std::min(T, c.sharedByCpus));
    lb.workingSetBytes = std::max<std::uint64_t>(ws / 512 * 512, 4096);
    r.levels.push_back(lb);
  }
  LevelBandwidth dram;
  dram.level = "DRAM";
  dram.workingSetBytes = std::max<std::uint64_t>(detail::resolvedMax(options) / std::uint64_t(T) / 512 * 512, 4096);
  r.levels.push_back(dram);

  const double total = double(r.levels.size() * std::size_t(T));
  std::size_t done = 0;
  try {
    for (LevelBandwidth& lb : r.levels) {
      std::vector<std::unique_ptr<detail::Buffer>> buffers;
      for (int t = 0; t < T; ++t) buffers.push_back(std::make_unique<detail::Buffer>(lb.workingSetBytes));
      const std::size_t n = lb.workingSetBytes / 8;
      for (int t = 1; t <= T; ++t) {
        tbb::task_arena arena(t);
        auto body = [&](std::uint64_t passes) {
          if (t == 1) {  // on this thread, timed by its CPU time (see below)
            gSum = kernel.fn(reinterpret_cast<const double*>(buffers[0]->data()), n, passes);
            return;
          }
          arena.execute([&] {
            tbb::parallel_for(
                0, t,
                [&](int i) {
                  gSum = kernel.fn(reinterpret_cast<const double*>(buffers[std::size_t(i)]->data()), n, passes);
                },
                tbb::simple_partitioner());
          });
        };
        // One thread: CPU time of this thread (time spent waiting for other
        // processes left out); more: wall time around all of them.
        const detail::Timing tm = detail::timePoint(options.protocol, 1, body, options.cancel, t == 1);
        const double bytes = double(lb.workingSetBytes) * double(tm.count) * t;
        lb.gbPerSecond.push_back(bytes / tm.medianS / 1e9);
        lb.bestGbPerSecond.push_back(bytes / tm.minS / 1e9);
        lb.spread.push_back(tm.minS > 0 ? tm.maxS / tm.minS : 0);
        detail::setProgress(options.progress, double(++done) / total);
      }
    }
  } catch (const Cancelled&) {
    r.outcome = Outcome::Cancelled;
  }
  detail::setProgress(options.progress, 1.0);
  return r;
}

}  // namespace cachescope::probe
