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

namespace {

// The roofs besides fp32's that the points need and the machine measured:
// int8 (GOP/s) and bf16 (GFLOP/s), each with its loop's name and colour.
struct ExtraRoof {
  const char* type;     // "int8", "bf16"
  double peak;
  const char* unit;     // "GOP/s", "GFLOP/s"
  const char* perByte;  // "op/byte", "FLOP/byte"
  std::string loop;     // "avx512-vnni int8 multiply-add"
  Color color;
};

std::vector<ExtraRoof> extraRoofs(const RooflineMachine& m, bool int8, bool bf16) {
  std::vector<ExtraRoof> roofs;
  if (int8 && m.int8PeakGops > 0)
    roofs.push_back({"int8", m.int8PeakGops, "GOP/s", "op/byte", m.int8Simd + " int8 multiply-add", 0x8E44ADFF});
  if (bf16 && m.bf16PeakGflops > 0)
    roofs.push_back({"bf16", m.bf16PeakGflops, "GFLOP/s", "FLOP/byte", m.bf16Simd + " dot-product", 0x117A65FF});
  return roofs;
}

// ", 473 GOP/s int8, 236 GFLOP/s bf16" and " and avx512-vnni int8 multiply-add".
std::string peaksText(const std::vector<ExtraRoof>& roofs) {
  std::string s;
  for (const ExtraRoof& r : roofs) s += ", " + fmt("%.0f", r.peak) + " " + r.unit + " " + r.type;
  return s;
}
std::string loopsText(const std::vector<ExtraRoof>& roofs) {
  std::string s;
  for (const ExtraRoof& r : roofs) s += " and " + r.loop;
  return s;
}

}  // namespace

Plot rooflinePlot(const RooflineMachine& m, const std::vector<RooflinePoint>& points) {
  Plot plot;
  bool int8 = false, bf16 = false, other = false;
  for (const RooflinePoint& p : points) (p.roof == Roof::Int8 ? int8 : p.roof == Roof::Bf16 ? bf16 : other) = true;
  other = other || bf16;  // bf16 counts FLOPs, as fp32 does
  const std::vector<ExtraRoof> extra = extraRoofs(m, int8, bf16);
  plot.title = "Roofline: " + fmt("%.0f", m.peakGflops) + " GFLOP/s fp32 peak" + peaksText(extra) + ", " +
               fmt("%.1f", m.bandwidthGBs) + " GB/s from DRAM";
  plot.subtitle = "peaks: " + (m.simd.empty() ? std::string("FMA") : m.simd + " FMA") + loopsText(extra) +
                  " loops; bandwidth: triad; " + std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads") +
                  "; intensity counts compulsory DRAM traffic only";
  plot.x.label = int8 ? "arithmetic intensity (operations per byte)" : "arithmetic intensity (FLOP per byte)";
  plot.y.label = int8 ? (other ? "GFLOP/s (fp32), GOP/s (int8)" : "GOP/s") : "GFLOP/s";
  plot.x.scale = Scale::Log10;
  plot.y.scale = Scale::Log10;

  const double ridge = m.ridge();
  double top = m.peakGflops;
  for (const ExtraRoof& r : extra) top = std::max(top, r.peak);
  double lo = ridge > 0 ? ridge : 1, hi = lo, yLo = m.peakGflops, yHi = top;
  for (const ExtraRoof& r : extra) hi = std::max(hi, r.peak / std::max(m.bandwidthGBs, 1e-9));
  for (const RooflinePoint& p : points) {
    if (!(p.intensity > 0) || !std::isfinite(p.intensity)) continue;
    lo = std::min(lo, p.intensity);
    hi = std::max(hi, p.intensity);
    if (p.gflops > 0) yLo = std::min(yLo, p.gflops);
    if (std::isfinite(p.gflops)) yHi = std::max(yHi, p.gflops);  // a point above a roof stays visible
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
    Series roof{"fp32 roof: min(peak, intensity x bandwidth)", SeriesKind::Line, {}, 0x333333FF, false, false};
    roof.points.push_back({lo, rooflineAt(m, lo), 0, 0, fmt("%.1f GB/s", m.bandwidthGBs) + " x intensity (DRAM)"});
    roof.points.push_back({ridge, m.peakGflops, 0, 0, "ridge " + fmt("%.1f FLOP/byte", ridge)});
    roof.points.push_back({hi, m.peakGflops, 0, 0, fmt("fp32 peak %.0f GFLOP/s", m.peakGflops)});
    plot.series.push_back(roof);
    plot.markers.push_back(Marker{ridge, "ridge " + fmt("%.2g", ridge), 0x777777FF});
    for (const ExtraRoof& r : extra) {
      // Up the DRAM slope from the fp32 ridge to this roof's own, then flat.
      const double ridgeX = r.peak / m.bandwidthGBs;
      const std::string type = r.type;
      Series line{type + " roof: min(" + type + " peak, intensity x bandwidth)", SeriesKind::Line, {}, r.color, true, false};
      line.points.push_back({ridge, m.peakGflops, 0, 0, "DRAM slope"});
      line.points.push_back({ridgeX, r.peak, 0, 0, type + " ridge " + fmt("%.1f ", ridgeX) + r.perByte});
      line.points.push_back({hi, r.peak, 0, 0, type + " peak " + fmt("%.0f ", r.peak) + r.unit});
      plot.series.push_back(line);
    }
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const RooflinePoint& p = points[i];
    const std::string label = p.reason.empty() ? p.label : p.label + " (" + p.reason + ")";
    Series s{label, SeriesKind::Points, {}, paletteColor(i), false};
    Point q;
    q.x = p.intensity;
    q.y = p.gflops;
    q.label = label;
    s.points.push_back(q);
    plot.series.push_back(s);
  }
  return plot;
}

Plot rooflineLevelsPlot(const RooflineMachine& m, const std::vector<RooflineLevelKernel>& kernels) {
  Plot plot;
  bool int8 = false, bf16 = false, other = false;
  for (const RooflineLevelKernel& k : kernels) (k.roof == Roof::Int8 ? int8 : k.roof == Roof::Bf16 ? bf16 : other) = true;
  other = other || bf16;
  const std::vector<ExtraRoof> extra = extraRoofs(m, int8, bf16);
  double top = m.peakGflops;
  for (const ExtraRoof& r : extra) top = std::max(top, r.peak);
  plot.title = "Roofline per level: " + fmt("%.0f", m.peakGflops) + " GFLOP/s fp32 peak" + peaksText(extra);
  plot.subtitle = (m.simd.empty() ? std::string("FMA") : m.simd + " FMA") + " peak, read bandwidth per level, " +
                  std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads") +
                  "; a kernel's dots: work / bytes it moves at a level, coloured as that level's roof";
  plot.x.label = int8 ? "arithmetic intensity (operations per byte moved at that level)"
                      : "arithmetic intensity (FLOP per byte moved at that level)";
  plot.y.label = int8 ? (other ? "GFLOP/s (fp32), GOP/s (int8)" : "GOP/s") : "GFLOP/s";
  plot.x.scale = Scale::Log10;
  plot.y.scale = Scale::Log10;

  double lo = 1, hi = 1, yLo = top > 0 ? top : 1, yHi = yLo;
  for (const LevelRoof& r : m.levelRoofs)
    if (r.gbPerSecond > 0 && top > 0) {
      lo = std::min(lo, top / r.gbPerSecond);
      hi = std::max(hi, top / r.gbPerSecond);
    }
  for (const RooflineLevelKernel& k : kernels)
    for (const RooflineLevelPoint& p : k.points) {
      if (!(p.intensity > 0) || !std::isfinite(p.intensity)) continue;
      lo = std::min(lo, p.intensity);
      hi = std::max(hi, p.intensity);
      if (k.rate > 0 && std::isfinite(k.rate)) {
        yLo = std::min(yLo, k.rate);
        yHi = std::max(yHi, k.rate);
      }
    }
  lo = std::pow(10.0, std::floor(std::log10(lo / 3)));
  hi = std::pow(10.0, std::ceil(std::log10(hi * 3)));
  plot.x.min = lo;
  plot.x.max = hi;
  double bottom = yLo;
  for (const LevelRoof& r : m.levelRoofs)
    if (r.gbPerSecond > 0) bottom = std::min(bottom, r.gbPerSecond * lo);
  plot.y.min = std::pow(10.0, std::floor(std::log10(std::max(bottom, 1e-6) / 2)));
  plot.y.max = yHi * 2.5;

  // Roof colours: darkest for DRAM, the caches lighter, all dashed so the
  // kernels' solid lines stand apart.
  const Color roofColors[] = {0x2E7D32FF, 0x1565C0FF, 0x8E24AAFF, 0x333333FF};
  for (std::size_t i = 0; i < m.levelRoofs.size(); ++i) {
    const LevelRoof& r = m.levelRoofs[i];
    if (!(r.gbPerSecond > 0) || !(m.peakGflops > 0)) continue;
    const double ridge = m.peakGflops / r.gbPerSecond;
    Series s{r.level + " x " + fmt(r.gbPerSecond >= 100 ? "%.0f" : "%.1f", r.gbPerSecond) + " GB/s", SeriesKind::Line,
             {}, roofColors[std::min<std::size_t>(i, 3)], true, false};
    s.points.push_back({lo, r.gbPerSecond * lo, 0, 0, r.level + " roof " + fmt("%.1f GB/s", r.gbPerSecond)});
    s.points.push_back({ridge, m.peakGflops, 0, 0, r.level + " ridge " + fmt("%.2g FLOP/byte", ridge)});
    plot.series.push_back(s);
  }
  if (m.peakGflops > 0) {
    double from = hi;
    for (const LevelRoof& r : m.levelRoofs)
      if (r.gbPerSecond > 0) from = std::min(from, m.peakGflops / r.gbPerSecond);
    Series peak{fmt("fp32 peak %.0f GFLOP/s", m.peakGflops), SeriesKind::Line, {}, 0x000000FF, false, false};
    peak.points.push_back({m.levelRoofs.empty() ? lo : from, m.peakGflops, 0, 0, fmt("fp32 peak %.0f GFLOP/s", m.peakGflops)});
    peak.points.push_back({hi, m.peakGflops, 0, 0, fmt("fp32 peak %.0f GFLOP/s", m.peakGflops)});
    plot.series.push_back(peak);
  }
  for (const ExtraRoof& r : extra) {
    const std::string name = std::string(r.type) + " peak " + fmt("%.0f ", r.peak) + r.unit;
    Series flat{name, SeriesKind::Line, {}, r.color, false, false};
    flat.points.push_back({lo, r.peak, 0, 0, std::string(r.type) + " peak"});
    flat.points.push_back({hi, r.peak, 0, 0, std::string(r.type) + " peak"});
    plot.series.push_back(flat);
  }
  // Each kernel: a solid line through its points (hover: level and
  // intensity); the dots on it take their level's roof colour, so a dot
  // sits against the slope of the same colour.
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const RooflineLevelKernel& k = kernels[i];
    std::vector<RooflineLevelPoint> pts = k.points;
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.intensity < b.intensity; });
    std::string name = k.label + (k.traced ? ": " + k.binding + " binds" : " (not traced: compulsory DRAM bytes)");
    for (const RooflineLevelPoint& p : pts)
      if (!p.reason.empty()) name += "; above " + p.level + ": " + p.reason;
    const bool line = k.traced && pts.size() > 1;
    Series s{name, line ? SeriesKind::Line : SeriesKind::Points, {}, paletteColor(i), false, false};
    for (const RooflineLevelPoint& p : pts)
      s.points.push_back({p.intensity, k.rate, 0, 0,
                          line ? k.label + " at " + p.level + ": " + fmt("%.3g", p.intensity) + " per byte" : k.label});
    plot.series.push_back(s);
  }
  for (std::size_t l = 0; l < m.levelRoofs.size(); ++l) {
    Series dots{"", SeriesKind::Points, {}, roofColors[std::min<std::size_t>(l, 3)], false, true};
    for (const RooflineLevelKernel& k : kernels)
      if (k.traced && k.points.size() > 1)
        for (const RooflineLevelPoint& p : k.points)
          if (p.level == m.levelRoofs[l].level || (p.level == "L1" && m.levelRoofs[l].level == "L1d"))
            dots.points.push_back({p.intensity, k.rate, 0, 0, ""});
    if (!dots.points.empty()) plot.series.push_back(dots);
  }
  return plot;
}

}  // namespace cachescope::plot
