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
      const double line = cfg.levels.front().lineBytes;
      r.predictedGBs.assign(r.strides.size(), {});
      try {
        for (std::size_t s = 0; s < r.strides.size(); ++s)
          for (std::size_t z = 0; z < r.sizes.size(); ++z) {
            detail::checkCancel(options.cancel);
            const auto stream = accessStream(StreamKind::StrideRead, r.sizes[z], r.strides[s], options.seed);
            const std::vector<double> share = detail::servedShares(cfg, stream);
            double ns = share[0] * 8 / bw[0];
            for (std::size_t k = 1; k < share.size(); ++k) ns += share[k] * line / bw[k];
            r.predictedGBs[s].push_back(ns > 0 ? 8 / ns : 0);
          }
        detail::setProgress(options.progress, 1.0);
      } catch (const Cancelled&) {
        r.outcome = Outcome::Cancelled;
      }
      // One sentence per stride where the two differ by over 1.5x beyond the last level.
      for (std::size_t s = 0; s < r.predictedGBs.size(); ++s) {
        const std::size_t z = r.predictedGBs[s].size();
        if (z == 0) continue;
        const double m = r.gbPerSecond[s][z - 1], q = r.predictedGBs[s][z - 1];
        if (q > 0 && (m / q > 1.5 || q / m > 1.5)) {
          char buf[96];
          std::snprintf(buf, sizeof buf, "stride %d at %s: measured %.1f GB/s against %.1f GB/s predicted. ",
                        r.strides[s], formatBytes(r.sizes[z - 1]).c_str(), m, q);
          r.explanations.push_back(std::string(buf) +
                                   (m > q ? "The hardware prefetcher streams the next lines of a fixed stride in ahead of"
                                            " the loads; the model charges each line fetched on demand."
                                          : "Strided misses also cost page walks and DRAM page changes the model does not"
                                            " count."));
        }
      }
    }
  }
  detail::setProgress(options.progress, 1.0);
  return r;
}

}  // namespace cachescope::probe
