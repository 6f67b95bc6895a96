// The memory mountain (Bryant and O'Hallaron, CS:APP 6.6.1): read
// throughput of a strided sum against working set and stride. With
// simulate, the same strided streams through the cache model give a
// predicted throughput from the measured stride-1 plateaus of each level.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cachesim/config.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "probe/internal.hpp"
#include "probe/probe.hpp"
#include "probe/read_kernels.hpp"

namespace cachescope::probe {

namespace {
volatile double gSum = 0;
}

MountainResult measureMountain(const ProbeOptions& options, const MountainOptions& mountain) {
  validate(options);
  MountainResult r;
  r.strides = mountain.strides.empty() ? std::vector<int>{1, 2, 3, 4, 6, 8, 12, 16, 24, 32} : mountain.strides;
  for (int s : r.strides)
    if (s < 1 || s > 32) throw InputError("--strides: each stride must be 1..32 elements (got " + std::to_string(s) + ")");
  r.sizes = detail::ladderSizes(options);
  detail::Buffer buffer(r.sizes.back());
  const double* p = reinterpret_cast<const double*>(buffer.data());
  r.gbPerSecond.assign(r.strides.size(), {});
  const double total = double(r.strides.size() * r.sizes.size()) * (options.simulate ? 1.1 : 1.0);
  std::size_t done = 0;
  try {
    for (std::size_t z = 0; z < r.sizes.size(); ++z) {
      const std::size_t n = r.sizes[z] / 8;
      for (std::size_t s = 0; s < r.strides.size(); ++s) {
        const int stride = r.strides[s];
        auto body = [&](std::uint64_t passes) { gSum = detail::strideRead(p, n, stride, passes); };
        const detail::Timing t = detail::timePoint(options.protocol, 1, body, options.cancel, true);
        const double reads = double((n + std::size_t(stride) - 1) / std::size_t(stride));
        r.gbPerSecond[s].push_back(reads * 8 * double(t.count) / t.medianS / 1e9);
        detail::setProgress(options.progress, double(++done) / total);
      }
    }
  } catch (const Cancelled&) {
    r.outcome = Outcome::Cancelled;
  }

  if (options.simulate && r.outcome == Outcome::Ok) {
    // Cost per load: an L1 hit reads 8 bytes at the L1's stride-1
    // throughput; a load served below moves a line at that level's stride-1
    // throughput (the plateau inside the level, the largest set for memory).
    const sim::HierarchyConfig cfg = detail::simConfig(options);
    const std::vector<std::uint64_t> host = detail::hostLevelSizes();
    auto s1 = std::find(r.strides.begin(), r.strides.end(), 1);
    if (s1 != r.strides.end()) {
      const std::vector<double>& one = r.gbPerSecond[std::size_t(s1 - r.strides.begin())];
      std::vector<double> bw;  // bytes per ns = GB/s
      for (std::size_t l = 0; l < cfg.levels.size() && l < host.size(); ++l) {
        const double lo = l == 0 ? 0 : double(host[l - 1]) * 1.5, hi = double(host[l]) * 0.6;
        std::vector<double> in;
        for (std::size_t z = 0; z < r.sizes.size(); ++z)
          if (double(r.sizes[z]) >= lo && double(r.sizes[z]) <= hi) in.push_back(one[z]);
        bw.push_back(in.empty() ? one.front() : detail::medianOf(in));
      }
      while (bw.size() < cfg.levels.size() + 1) bw.push_back(one.back());
      // Ns per load: an L1 hit costs 8 B at the L1's throughput; a load
      // served by level k costs what makes a stride-1 sweep inside level k
      // come out at its measured plateau (one such load and line/8 - 1 L1
      // hits per line): line / bw_k - (line/8 - 1) x the L1 hit.
      const double line = cfg.levels.front().lineBytes;
      std::vector<double> cost{8 / bw[0]};
      for (std::size_t k = 1; k < bw.size(); ++k)
        cost.push_back(std::max(cost[0], line / bw[k] - (line / 8 - 1) * cost[0]));
      r.predictedGBs.assign(r.strides.size(), {});
      try {
        for (std::size_t s = 0; s < r.strides.size(); ++s)
          for (std::size_t z = 0; z < r.sizes.size(); ++z) {
            detail::checkCancel(options.cancel);
            const auto stream = accessStream(StreamKind::StrideRead, r.sizes[z], r.strides[s], options.seed);
            const std::vector<double> share = detail::servedShares(cfg, stream);
            double ns = share[0] * cost[0];
            for (std::size_t k = 1; k < share.size(); ++k) ns += share[k] * cost[k];
            r.predictedGBs[s].push_back(ns > 0 ? 8 / ns : 0);
          }
        detail::setProgress(options.progress, 1.0);
      } catch (const Cancelled&) {
        r.outcome = Outcome::Cancelled;
      }
      // One sentence per stride and range of working sets where the two
      // differ by more than 1.5x.
      const double llc = host.empty() ? 0 : double(host.back());
      for (std::size_t s = 0; s < r.predictedGBs.size(); ++s) {
        const auto& m = r.gbPerSecond[s];
        const auto& q = r.predictedGBs[s];
        auto off = [&](std::size_t z) {
          if (z >= q.size() || q[z] <= 0 || m[z] <= 0) return 0;
          return m[z] / q[z] > 1.5 ? 1 : q[z] / m[z] > 1.5 ? -1 : 0;
        };
        std::size_t z = 0;
        while (z < q.size()) {
          const int dir = off(z);
          if (dir == 0) {
            ++z;
            continue;
          }
          std::size_t e = z;
          while (e + 1 < q.size() && off(e + 1) == dir) ++e;
          const std::size_t w = (z + e) / 2;
          char buf[160];
          const std::string range =
              formatBytes(r.sizes[z]) + (z == e ? std::string() : " to " + formatBytes(r.sizes[e]));
          std::snprintf(buf, sizeof buf, "stride %d, %s: measured %.1f GB/s against %.1f GB/s predicted (at %s). ",
                        r.strides[s], range.c_str(), m[w], q[w], formatBytes(r.sizes[w]).c_str());
          std::string why;
          if (dir > 0)
            why = "The hardware prefetcher streams the lines of a fixed stride in ahead of the loads; the model charges"
                  " each line fetched on demand.";
          else if (host.size() >= 2 && double(r.sizes[e]) <= double(host[1]) && double(r.sizes[z]) >= double(host[0]) / 2)
            why = "Inside L1 and L2 the stride-1 loop that calibrates the model is limited by its chain of adds, which"
                  " hides what a line from L2 costs; a stride that uses one double per line pays it in full.";
          else if (llc > 0 && double(r.sizes[e]) <= llc && double(r.sizes[z]) >= double(host.front()))
            why = "The L3 (and L2) held less than the model's: shared with other cores and, under a hypervisor, other"
                  " guests, and sliced; the model counts its full sysfs size for this stream alone.";
          else
            why = "Strided misses also cost TLB misses and DRAM page changes the model does not count, and a short"
                  " working set's loop overhead is not in the model.";
          r.explanations.push_back(std::string(buf) + why);
          z = e + 1;
        }
      }
    }
  }
  detail::setProgress(options.progress, 1.0);
  return r;
}

}  // namespace cachescope::probe
