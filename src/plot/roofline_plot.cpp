#include "plot/roofline_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cachescope::plot {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

double rooflineAt(const RooflineMachine& machine, double intensity) {
  return std::min(machine.peakGflops, intensity * machine.bandwidthGBs);
}

Plot rooflinePlot(const RooflineMachine& m, const std::vector<RooflinePoint>& points) {
  Plot plot;
  plot.title = "Roofline: " + fmt("%.0f", m.peakGflops) + " GFLOP/s peak, " + fmt("%.1f", m.bandwidthGBs) +
               " GB/s from DRAM";
  plot.subtitle = "peak: " + (m.simd.empty() ? std::string("FMA") : m.simd + " FMA") + " loop; bandwidth: triad; " +
                  std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads") +
                  "; intensity counts compulsory DRAM traffic only";
  plot.x.label = "arithmetic intensity (FLOP per byte)";
  plot.y.label = "GFLOP/s";
  plot.x.scale = Scale::Log10;
  plot.y.scale = Scale::Log10;

  const double ridge = m.ridge();
  double lo = ridge > 0 ? ridge : 1, hi = lo, yLo = m.peakGflops, yHi = m.peakGflops;
  for (const RooflinePoint& p : points) {
    if (!(p.intensity > 0) || !std::isfinite(p.intensity)) continue;
    lo = std::min(lo, p.intensity);
    hi = std::max(hi, p.intensity);
    if (p.gflops > 0) yLo = std::min(yLo, p.gflops);
    if (std::isfinite(p.gflops)) yHi = std::max(yHi, p.gflops);  // a point above a mismeasured roof stays visible
  }
  // Room on both sides of the ridge so both roofs show, whole decades at the ends.
  lo = std::pow(10.0, std::floor(std::log10(lo / 3)));
  hi = std::pow(10.0, std::ceil(std::log10(hi * 3)));
  plot.x.min = lo;
  plot.x.max = hi;
  if (m.peakGflops > 0) {
    double bottom = std::min(yLo, rooflineAt(m, lo));
    plot.y.min = std::pow(10.0, std::floor(std::log10(bottom / 2)));
    plot.y.max = yHi * 2.5;  // some air above the roof, not a whole empty decade
  }

  if (m.peakGflops > 0 && m.bandwidthGBs > 0) {
    Series roof{"roof: min(peak, intensity x bandwidth)", SeriesKind::Line, {}, 0x333333FF, false, false};
    roof.points.push_back({lo, rooflineAt(m, lo), 0, 0, fmt("%.1f GB/s", m.bandwidthGBs) + " x intensity"});
    roof.points.push_back({ridge, m.peakGflops, 0, 0, "ridge " + fmt("%.1f FLOP/byte", ridge)});
    roof.points.push_back({hi, m.peakGflops, 0, 0, fmt("peak %.0f GFLOP/s", m.peakGflops)});
    plot.series.push_back(roof);
    plot.markers.push_back(Marker{ridge, "ridge: " + fmt("%.2g", ridge) + " FLOP/byte", 0x777777FF});
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const RooflinePoint& p = points[i];
    Series s{p.label, SeriesKind::Points, {}, paletteColor(i), false};
    Point q;
    q.x = p.intensity;
    q.y = p.gflops;
    q.label = p.label;
    s.points.push_back(q);
    plot.series.push_back(s);
  }
  return plot;
}

}  // namespace cachescope::plot
