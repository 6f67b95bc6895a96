// The latency ladder: dependent loads (pointer chasing) over the cache lines
// of a working set, in a random single-cycle order that defeats the hardware
// prefetcher and in sequential order that it hides; the knees of the random
// curve against the sysfs sizes; with simulate, the same streams through the
// cache model and the predicted ns per load from the measured plateaus.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cachesim/config.hpp"
#include "platform/host.hpp"
#include "probe/internal.hpp"
#include "probe/probe.hpp"

namespace cachescope::probe {

namespace {

// 16 dependent loads per iteration; `loads` is rounded up to 16.
__attribute__((noinline)) void* chase(void* p, std::uint64_t loads) {
  for (std::uint64_t i = (loads + 15) / 16; i > 0; --i) {
#define CACHESCOPE_STEP p = *static_cast<void**>(p);
    CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP
    CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP
    CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP
    CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP CACHESCOPE_STEP
#undef CACHESCOPE_STEP
  }
  return p;
}

void* volatile gSink = nullptr;

void link(char* base, std::uint64_t bytes, ChaseOrder order, std::uint64_t seed) {
  const std::uint64_t lines = bytes / 64;
  auto node = [&](std::uint64_t i) { return reinterpret_cast<void**>(base + i * 64); };
  if (order == ChaseOrder::Sequential) {
    for (std::uint64_t i = 0; i < lines; ++i) *node(i) = node((i + 1) % lines);
  } else {
    const std::vector<std::uint32_t> next = cyclicPermutation(lines, seed);
    for (std::uint64_t i = 0; i < lines; ++i) *node(i) = node(next[i]);
  }
}

std::string sizeText(std::uint64_t b) { return formatBytes(b); }

std::string nsText(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ns < 10 ? "%.2f ns" : "%.1f ns", ns);
  return buf;
}


double plateau(const std::vector<LatencyPoint>& pts, double lo, double hi, std::uint64_t bound) {
  std::vector<double> in;
  for (const LatencyPoint& p : pts)
    if (double(p.bytes) >= lo && double(p.bytes) <= hi) in.push_back(p.nsPerLoad);
  if (!in.empty()) return detail::medianOf(in);
  double v = 0;  // nothing well inside: the last point at or below the bound
  for (const LatencyPoint& p : pts)
    if (p.bytes <= bound) v = p.nsPerLoad;
  return v > 0 ? v : (pts.empty() ? 0 : pts.front().nsPerLoad);
}

}  // namespace

LatencyResult measureLatency(const ProbeOptions& options) {
  validate(options);
  LatencyResult r;
  r.clock = estimateClock();
  const std::vector<std::uint64_t> sizes = detail::ladderSizes(options);
  const std::uint64_t maxBytes = sizes.back();
  detail::Buffer buffer(maxBytes);
  const ChaseOrder orders[] = {ChaseOrder::Random, ChaseOrder::Sequential};
  const double total = double(sizes.size() * 2) * (options.simulate ? 1.15 : 1.0);
  std::size_t done = 0;
  try {
    for (ChaseOrder order : orders) {
      LatencySeries series;
      series.order = order;
      r.series.push_back(series);
      for (std::uint64_t bytes : sizes) {
        detail::checkCancel(options.cancel);
        link(buffer.data(), bytes, order, options.seed);
        void* p = buffer.data();
        const std::uint64_t lines = bytes / 64;
        p = chase(p, std::max<std::uint64_t>(lines, 4096));  // the whole cycle once: caches and TLB warm
        auto body = [&](std::uint64_t loads) { p = chase(p, loads); };
        const detail::Timing t = detail::timePoint(options.protocol, 4096, body, options.cancel, true);
        gSink = p;
        const double loads = double((t.count + 15) / 16 * 16);
        LatencyPoint pt;
        pt.bytes = bytes;
        pt.nsPerLoad = t.medianS / loads * 1e9;
        pt.minNsPerLoad = t.minS / loads * 1e9;
        pt.cyclesPerLoad = pt.nsPerLoad * r.clock.ghz;
        pt.spread = t.minS > 0 ? t.maxS / t.minS : 0;
        r.series.back().points.push_back(pt);
        detail::setProgress(options.progress, double(++done) / total);
      }
    }
  } catch (const Cancelled&) {
    r.outcome = Outcome::Cancelled;
  }

  // Levels read off the random curve, beside sysfs.
  const std::vector<std::uint64_t> sysfs = detail::hostLevelSizes();
  const std::vector<std::string> names = detail::hostLevelNames();
  // Knees and plateaus from the fastest rep of each point: the least
  // disturbed by other processes on a shared machine.
  std::vector<LatencyPoint> random = r.series.front().points;
  for (LatencyPoint& p : random) p.nsPerLoad = p.minNsPerLoad;
  const std::vector<std::uint64_t> knees = detectKnees(random, int(sysfs.size()) + 1);
  const std::vector<int> match = detail::matchKnees(knees, sysfs);
  std::vector<bool> used(knees.size(), false);
  std::vector<std::uint64_t> bound(sysfs.size());
  for (std::size_t l = 0; l < sysfs.size(); ++l) {
    DetectedLevel d;
    d.name = names[l];
    d.sysfsBytes = sysfs[l];
    if (match[l] >= 0) {
      d.detectedBytes = knees[std::size_t(match[l])];
      used[std::size_t(match[l])] = true;
    }
    bound[l] = d.detectedBytes ? d.detectedBytes : d.sysfsBytes;
    r.levels.push_back(d);
  }
  for (std::size_t l = 0; l < r.levels.size(); ++l) {
    const double lo = l == 0 ? 0.0 : double(bound[l - 1]) * 1.5;
    r.levels[l].latencyNs = plateau(random, lo, double(bound[l]) * 0.6, bound[l]);
    r.levels[l].latencyCycles = r.levels[l].latencyNs * r.clock.ghz;
  }
  if (!random.empty()) {
    r.memoryLatencyNs = random.back().nsPerLoad;
    const std::uint64_t last = bound.empty() ? 0 : bound.back();
    // 1.5x: the knee is where the curve is halfway up its step, so half as
    // much again is on the next plateau (a 4 MiB ladder past a 2.4 MiB L3
    // knee reads memory's latency).
    r.memoryReached = random.back().bytes >= last + last / 2;
    if (!r.memoryReached)
      r.explanations.push_back("Memory was not reached: the largest working set (" + sizeText(random.back().bytes) +
                               ") is less than 1.5x the last cache level (" + sizeText(last) +
                               "), so its " + nsText(r.memoryLatencyNs) +
                               " is still partly a cache's; a larger maximum reaches memory.");
  }
  for (std::size_t k = 0; k < knees.size(); ++k)
    if (!used[k])
      r.explanations.push_back("A further step at " + sizeText(knees[k]) +
                               " matches no sysfs cache level: a TLB's reach (page walks), or a shared level that"
                               " behaves far smaller than sysfs says.");
  for (const DetectedLevel& d : r.levels)
    if (d.detectedBytes == 0)
      r.explanations.push_back(
          d.name + " (" + sizeText(d.sysfsBytes) + " in sysfs) shows no clear step on the random curve" +
          (r.memoryReached && d.latencyNs > r.memoryLatencyNs / 2
               ? ": inside its sysfs range the chase already runs at " + nsText(d.latencyNs) + ", near memory's " +
                     nsText(r.memoryLatencyNs) + ", so it held little of the working set in this run (a level shared"
                     " with other cores and, under a hypervisor, other guests)."
               : "."));
    else if (double(d.detectedBytes) < double(d.sysfsBytes) / 1.5)
      r.explanations.push_back(d.name + " behaves smaller than sysfs says (" + sizeText(d.detectedBytes) + " against " +
                               sizeText(d.sysfsBytes) +
                               "): a shared level under a hypervisor is shared with other guests and other cores,"
                               " and physical pages map onto its sets unevenly.");

  if (options.simulate && r.outcome == Outcome::Ok) {
    const sim::HierarchyConfig cfg = detail::simConfig(options);
    // Latency of each simulated level: the measured plateau of the host level
    // in the same place, memory for anything below the host's levels.
    std::vector<double> lat;
    for (std::size_t l = 0; l < cfg.levels.size(); ++l)
      lat.push_back(l < r.levels.size() ? r.levels[l].latencyNs : r.memoryLatencyNs);
    lat.push_back(r.memoryLatencyNs);
    try {
      for (LatencySeries& s : r.series) {
        for (LatencyPoint& pt : s.points) {
          detail::checkCancel(options.cancel);
          const auto stream = accessStream(
              s.order == ChaseOrder::Random ? StreamKind::RandomChase : StreamKind::SequentialChase, pt.bytes, 1,
              options.seed);
          pt.servedShare = detail::servedShares(cfg, stream);
          pt.predictedNs = 0;
          for (std::size_t k = 0; k < pt.servedShare.size(); ++k) pt.predictedNs += pt.servedShare[k] * lat[k];
        }
      }
    } catch (const Cancelled&) {
      r.outcome = Outcome::Cancelled;
    }
    // Where the two differ by more than 1.5x over a range, say why.
    const std::uint64_t llc = sysfs.empty() ? 0 : sysfs.back();
    for (const LatencySeries& s : r.series) {
      std::size_t i = 0;
      const auto& pts = s.points;
      while (i < pts.size()) {
        auto off = [&](std::size_t k) {
          if (pts[k].predictedNs <= 0) return 0;
          const double q = pts[k].nsPerLoad / pts[k].predictedNs;
          return q > 1.5 ? 1 : q < 1 / 1.5 ? -1 : 0;
        };
        const int dir = off(i);
        if (dir == 0) {
          ++i;
          continue;
        }
        std::size_t j = i;
        while (j + 1 < pts.size() && off(j + 1) == dir) ++j;
        const LatencyPoint& worst = pts[(i + j) / 2];
        std::string head = std::string(toString(s.order)) + " chase, " + sizeText(pts[i].bytes) +
                           (i == j ? "" : " to " + sizeText(pts[j].bytes)) + ": measured " + nsText(worst.nsPerLoad) +
                           " against " + nsText(worst.predictedNs) + " predicted (at " + sizeText(worst.bytes) + "). ";
        std::string why;
        if (s.order == ChaseOrder::Sequential && dir < 0)
          why = "The hardware prefetcher sees the next-line pattern and fetches lines before the loads ask for them;"
                " the model (prefetch: " + sim::describe(cfg.prefetch) + ") charges every line the latency of the level that holds it.";
        else if (dir > 0 && llc && double(pts[j].bytes) > double(llc) * 1.3)
          why = std::string("TLB misses: a random chase over this much memory touches a new page on almost every load") +
                (buffer.hugePages() ? " (2 MiB huge pages were asked for with madvise)" : " (4 KiB pages)") +
                " and pays a page walk the cache model does not count.";
        else if (dir > 0 && llc && double(pts[i].bytes) > double(llc) / 4)
          why = "The L3 behaves smaller than the model's: it is split into slices and, under a hypervisor, shared with"
                " other guests and cores, so fewer of the chase's lines stay in it.";
        else if (dir < 0 && s.order == ChaseOrder::Random &&
                 [&] {  // the worst point is served by a level that showed no step
                   for (std::size_t l = 0; l < r.levels.size() && l + 1 < worst.servedShare.size(); ++l)
                     if (r.levels[l].detectedBytes == 0 && worst.servedShare[l] > 0.5) return true;
                   return false;
                 }())
          why = "The model serves these loads from a level whose latency here is its plateau in this run, measured near"
                " memory speed (it showed no step); just past the level above, the real one still held part of the"
                " chase.";
        else if (dir > 0)
          why = "TLB reach and replacement: past the first-level TLB's reach each random load may wait for a page walk,"
                " and the hardware's replacement is not the model's " + std::string(sim::toString(cfg.replacement)) + ".";
        else
          why = "Replacement policy: the model's " + std::string(sim::toString(cfg.replacement)) +
                " evicts the line a cyclic chase needs next, while the hardware's (adaptive, not true LRU) keeps part of"
                " the working set.";
        r.explanations.push_back(head + why);
        i = j + 1;
      }
    }
  }
  detail::setProgress(options.progress, 1.0);
  return r;
}

namespace detail {

// Order-preserving match of knees to levels: each level gets at most one
// knee within 3x of its size, knees in increasing order, the sum of
// |log(knee / size)| least; a level left without a knee costs log 8.
std::vector<int> matchKnees(const std::vector<std::uint64_t>& knees, const std::vector<std::uint64_t>& sizes) {
  const std::size_t L = sizes.size();
  std::vector<int> best(L, -1), cur(L, -1);
  double bestCost = 1e300;
  auto rec = [&](auto&& self, std::size_t level, int nextKnee, double cost) -> void {
    if (cost >= bestCost) return;
    if (level == L) {
      bestCost = cost;
      best = cur;
      return;
    }
    cur[level] = -1;
    self(self, level + 1, nextKnee, cost + std::log(8.0));
    for (int k = nextKnee; k < int(knees.size()); ++k) {
      const double ratio = double(knees[std::size_t(k)]) / double(sizes[level]);
      double d = std::fabs(std::log(ratio));
      // A step 3x above a level is not that level's. One more than 3x below
      // a shared level (L2 and beyond) is taken as that level, behaving
      // smaller than sysfs says (other cores and guests use it; the
      // explanation says so), just ahead of leaving it unmatched, so its
      // plateau latency is read where it really is; but never one at or
      // below the size of the level above (a ladder that ends inside L1
      // has only noise there, not a small L3).
      if (d > std::log(3.0)) {
        if (level == 0 || ratio > 1 || knees[std::size_t(k)] <= sizes[level - 1]) continue;
        d = std::log(8.0) - 0.01;
      }
      cur[level] = k;
      self(self, level + 1, k + 1, cost + d);
    }
    cur[level] = -1;
  };
  rec(rec, 0, 0, 0.0);
  return best;
}

}  // namespace detail

}  // namespace cachescope::probe
