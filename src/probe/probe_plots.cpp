// The probe's plot builders.
#include "probe/probe_plots.hpp"

#include <cstdio>

#include "platform/host.hpp"

namespace cachescope::probe {

namespace {

std::string hostLine() { return host().cpuModel; }

}  // namespace

plot::Plot latencyPlot(const LatencyResult& r) {
  plot::Plot p;
  p.title = "Latency ladder: ns per dependent load";
  char sub[160];
  std::snprintf(sub, sizeof sub, "%s, clock %.2f GHz", hostLine().c_str(), r.clock.ghz);
  p.subtitle = sub;
  p.x.label = "working set (bytes)";
  p.x.scale = plot::Scale::Log2;
  p.y.label = "ns per load";
  p.y.scale = plot::Scale::Log10;
  for (const LatencySeries& s : r.series) {
    plot::Series m;
    m.name = std::string(toString(s.order)) + " chase";
    plot::Series q;
    q.name = std::string(toString(s.order)) + " predicted";
    q.dashed = true;
    for (const LatencyPoint& pt : s.points) {
      plot::Point a;
      a.x = double(pt.bytes);
      a.y = pt.nsPerLoad;
      a.label = formatBytes(pt.bytes);
      m.points.push_back(a);
      if (pt.predictedNs > 0) {
        plot::Point b = a;
        b.y = pt.predictedNs;
        q.points.push_back(b);
      }
    }
    m.color = plot::paletteColor(s.order == ChaseOrder::Random ? 0 : 1);
    q.color = m.color;
    p.series.push_back(m);
    if (!q.points.empty()) p.series.push_back(q);
  }
  for (const DetectedLevel& d : r.levels)
    if (d.sysfsBytes) p.markers.push_back({double(d.sysfsBytes), d.name + " " + formatBytes(d.sysfsBytes), std::nullopt});
  return p;
}

plot::Plot mountainPlot(const MountainResult& r) {
  plot::Plot p;
  p.title = "Memory mountain: read throughput by working set and stride";
  p.subtitle = hostLine();
  p.x.label = "working set (bytes)";
  p.x.scale = plot::Scale::Log2;
  p.y.label = "GB/s";
  for (std::size_t s = 0; s < r.strides.size() && s < r.gbPerSecond.size(); ++s) {
    plot::Series line;
    line.name = "stride " + std::to_string(r.strides[s]);
    line.dots = false;
    for (std::size_t z = 0; z < r.gbPerSecond[s].size(); ++z) {
      plot::Point a;
      a.x = double(r.sizes[z]);
      a.y = r.gbPerSecond[s][z];
      a.label = formatBytes(r.sizes[z]);
      line.points.push_back(a);
    }
    p.series.push_back(line);
  }
  for (const CacheInfo& c : host().caches)
    p.markers.push_back({double(c.sizeBytes), "L" + std::to_string(c.level) + " " + formatBytes(c.sizeBytes), std::nullopt});
  return p;
}

plot::Plot traversalPlot(const TraversalResult& r) {
  plot::Plot p;
  p.title = "Sum of an " + std::to_string(r.n) + " x " + std::to_string(r.n) + " matrix: rows against columns";
  p.subtitle = hostLine();
  p.x.categories = {"rows", "columns"};
  p.x.label = "traversal order";
  p.y.label = "ms per sum";
  p.y.unit = "ms";
  plot::Series bars;
  bars.name = "measured";
  bars.kind = plot::SeriesKind::Bars;
  bars.points.push_back({0, r.rowSeconds * 1e3, 0, 0, "rows"});
  bars.points.push_back({1, r.colSeconds * 1e3, 0, 0, "columns"});
  p.series.push_back(bars);
  return p;
}

plot::Plot bandwidthPlot(const BandwidthResult& r) {
  plot::Plot p;
  p.title = "Sustained read bandwidth per level";
  p.subtitle = hostLine() + ", " + r.readLoop + " read loop";
  p.x.label = "level";
  p.y.label = "GB/s";
  p.y.unit = "GB/s";
  for (const LevelBandwidth& l : r.levels) p.x.categories.push_back(l.level);
  for (int t = 1; t <= r.threads; ++t) {
    plot::Series s;
    s.name = std::to_string(t) + (t == 1 ? " thread" : " threads");
    s.kind = plot::SeriesKind::Bars;
    for (std::size_t i = 0; i < r.levels.size(); ++i)
      if (std::size_t(t - 1) < r.levels[i].gbPerSecond.size())
        s.points.push_back({double(i), r.levels[i].gbPerSecond[std::size_t(t - 1)], 0, 0, r.levels[i].level});
    p.series.push_back(s);
  }
  return p;
}

}  // namespace cachescope::probe
