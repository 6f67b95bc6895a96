#include "plot/bench_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "platform/host.hpp"

namespace cachescope::plot {

namespace {

bool ok(const BenchRecord& r) { return r.failure.empty() && r.medianS > 0 && std::isfinite(r.rate); }

std::vector<const BenchRecord*> valid(const std::vector<BenchRecord>& records) {
  std::vector<const BenchRecord*> out;
  for (const BenchRecord& r : records)
    if (ok(r)) out.push_back(&r);
  return out;
}

std::string numText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Rate with error bars from the fastest and the slowest repetition.
Point ratePoint(const BenchRecord& r, double x) {
  Point p;
  p.x = x;
  p.y = r.rate;
  if (r.work > 0 && r.maxS > 0 && r.minS > 0) {
    p.errLow = std::max(0.0, r.rate - r.work / r.maxS / 1e9);
    p.errHigh = std::max(0.0, r.work / r.minS / 1e9 - r.rate);
  }
  return p;
}

// Which parameters take more than one value across the records.
struct Varies {
  bool n = false, block = false, threads = false, bits = false, density = false;
};

Varies varies(const std::vector<const BenchRecord*>& rs) {
  std::set<int> n, block, threads, bits;
  std::set<double> density;
  for (const BenchRecord* r : rs) {
    n.insert(r->n);
    if (r->block) block.insert(*r->block);
    if (r->threads) threads.insert(*r->threads);
    if (r->bits) bits.insert(*r->bits);
    if (r->density) density.insert(*r->density);
  }
  return {n.size() > 1, block.size() > 1, threads.size() > 1, bits.size() > 1, density.size() > 1};
}

// " n=512 b=64" for the parameters that vary and are not on the x axis.
std::string paramText(const BenchRecord& r, const Varies& v, std::optional<SweepAxis> skip) {
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : " ") + part; };
  if (v.n && skip != SweepAxis::N) add("n=" + std::to_string(r.n));
  if (v.block && r.block && skip != SweepAxis::Block) add("b=" + std::to_string(*r.block));
  if (v.threads && r.threads && skip != SweepAxis::Threads) add("t=" + std::to_string(*r.threads));
  if (v.bits && r.bits) add(std::to_string(*r.bits) + " bit");
  if (v.density && r.density) add("d=" + numText(*r.density));
  return s;
}

// "n=512, 5 reps" for what all records share.
std::string sharedText(const std::vector<const BenchRecord*>& rs, const Varies& v) {
  if (rs.empty()) return "";
  const BenchRecord& r = *rs.front();
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  if (!v.n) add("n=" + std::to_string(r.n));
  bool sameReps = std::all_of(rs.begin(), rs.end(), [&](const BenchRecord* o) { return o->reps == r.reps; });
  if (sameReps) add("median of " + std::to_string(r.reps) + " reps");
  add("error bars: fastest / slowest rep");
  add(host().cpuModel.empty() ? std::string("this host") : host().cpuModel);
  return s;
}

std::string unitsText(const std::vector<const BenchRecord*>& rs) {
  std::vector<std::string> units;
  for (const BenchRecord* r : rs)
    if (std::find(units.begin(), units.end(), r->unit) == units.end()) units.push_back(r->unit);
  std::string s;
  for (const std::string& u : units) s += (s.empty() ? "" : ", ") + u;
  return s.empty() ? "rate" : s;
}

std::optional<int> axisValue(const BenchRecord& r, SweepAxis x) {
  switch (x) {
    case SweepAxis::N: return r.n;
    case SweepAxis::Block: return r.block;
    case SweepAxis::Threads: return r.threads;
    case SweepAxis::Density: break;  // not an integer: densityPlot
  }
  return std::nullopt;
}

// Kernel id -> the name a plot shows.
std::map<std::string, std::string> namesFor(const std::vector<const BenchRecord*>& rs, bool shortNames,
                                            const std::vector<std::string>& among = {}) {
  std::vector<std::string> ids = among;
  for (const BenchRecord* r : rs)
    if (std::find(ids.begin(), ids.end(), r->kernel) == ids.end()) ids.push_back(r->kernel);
  std::vector<std::string> shown = shortNames ? shortKernelNames(ids) : ids;
  std::map<std::string, std::string> names;
  for (std::size_t i = 0; i < ids.size(); ++i) names[ids[i]] = shown[i];
  return names;
}


std::string msText(double s) {
  char buf[32];
  const double ms = s * 1e3;
  std::snprintf(buf, sizeof buf, ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.3g ms", ms);
  return buf;
}

}  // namespace

const char* toString(SweepAxis axis) {
  switch (axis) {
    case SweepAxis::N: return "n";
    case SweepAxis::Block: return "block";
    case SweepAxis::Threads: return "threads";
    case SweepAxis::Density: return "density";
  }
  return "?";
}

std::vector<std::string> shortKernelNames(const std::vector<std::string>& ids) {
  auto tail = [](const std::string& id) {
    const std::size_t dot = id.find('.');
    return dot == std::string::npos ? id : id.substr(dot + 1);
  };
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    const std::string t = tail(id);
    const bool clash = std::any_of(ids.begin(), ids.end(), [&](const std::string& o) { return o != id && tail(o) == t; });
    out.push_back(clash || t.empty() ? id : t);
  }
  return out;
}

std::vector<std::string> recordNotes(const BenchRecord& r) {
  std::vector<std::string> notes;
  if (r.chosenKernel) notes.push_back("ran " + (r.choiceReason.empty() ? *r.chosenKernel : r.choiceReason));
  auto fmt = [](const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return std::string(buf);
  };
  if (r.errRelative)
    notes.push_back("error vs fp32: " + fmt("%.2g", *r.errRelative) + " relative (max abs " +
                    fmt("%.2g", r.errMaxAbs.value_or(0)) + ")" +
                    (r.density && *r.density < 1 ? ": the cost of pruning A" : ""));
  if (r.footprintBytes && r.fp32FootprintBytes && *r.footprintBytes > 0 &&
      (r.errRelative || r.density || std::fabs(*r.footprintBytes - *r.fp32FootprintBytes) > 0.5)) {
    const double mib = *r.footprintBytes / (1024.0 * 1024.0);
    const double ratio = *r.fp32FootprintBytes / *r.footprintBytes;
    notes.push_back("footprint " + fmt(mib >= 100 ? "%.0f MiB" : mib >= 1 ? "%.2f MiB" : "%.3g MiB", mib) + ", " +
                    (ratio >= 1 ? fmt("%.1fx smaller than fp32", ratio) : fmt("%.1fx larger than fp32", 1 / ratio)));
  }
  if (r.denseEquivalentRate)
    notes.push_back("dense-equivalent " + fmt(*r.denseEquivalentRate >= 100 ? "%.0f" : "%.3g", *r.denseEquivalentRate) +
                    " " + r.unit + " (2n^3 / time: a time ratio against dense kernels, not a speed of the hardware)");
  return notes;
}

std::vector<std::vector<BenchRecord>> splitByUnit(const std::vector<BenchRecord>& records) {
  std::vector<std::string> units;
  std::vector<std::vector<BenchRecord>> groups;
  for (const BenchRecord& r : records) {
    auto it = std::find(units.begin(), units.end(), r.unit);
    if (it == units.end()) {
      units.push_back(r.unit);
      groups.emplace_back();
      it = units.end() - 1;
    }
    groups[std::size_t(it - units.begin())].push_back(r);
  }
  return groups;
}

Plot rateBars(const std::vector<BenchRecord>& records, bool shortNames, const std::vector<std::string>& among) {
  std::vector<const BenchRecord*> rs = valid(records);
  Varies v = varies(rs);
  const std::map<std::string, std::string> names = namesFor(rs, shortNames, among);
  Plot plot;
  std::string units = unitsText(rs);
  plot.title = "Speed of each kernel (" + units + ", higher is better)";
  plot.subtitle = sharedText(rs, v);
  plot.y.label = units;
  plot.y.unit = rs.empty() ? "" : rs.front()->unit;
  std::map<std::string, std::size_t> seriesOfUnit;
  for (const BenchRecord* r : rs) {
    double x = double(plot.x.categories.size());
    std::string params = paramText(*r, v, std::nullopt);
    // A sparse bar counts the nonzero work only: say so, with its density.
    if (r->density && !v.density) params += (params.empty() ? "" : " ") + std::string("d=") + numText(*r->density);
    if (r->denseEquivalentRate) params += (params.empty() ? "" : ", ") + std::string("nonzero work");
    // Two lines keep the categories narrow: the name, then the parameters.
    plot.x.categories.push_back(names.at(r->kernel) + (params.empty() ? "" : "\n" + params));
    auto [it, fresh] = seriesOfUnit.try_emplace(r->unit, plot.series.size());
    if (fresh) plot.series.push_back(Series{r->unit, SeriesKind::Bars, {}, std::nullopt, false});
    Point p = ratePoint(*r, x);
    p.label = r->kernel + (params.empty() ? "" : " " + params);
    for (const std::string& note : recordNotes(*r)) p.label += "\n" + note;
    plot.series[it->second].points.push_back(p);
  }
  // A single unit needs no legend: the axis says it.
  if (plot.series.size() == 1) plot.series[0].name.clear();
  else plot.y.unit.clear();  // mixed: the legend names the units
  return plot;
}

Plot sweepPlot(const std::vector<BenchRecord>& records, SweepAxis x) {
  std::vector<const BenchRecord*> rs;
  for (const BenchRecord* r : valid(records))
    if (axisValue(*r, x)) rs.push_back(r);
  Varies v = varies(rs);
  Plot plot;
  std::string units = unitsText(rs);
  const char* axisName = toString(x);
  plot.title = units + " against " + axisName;
  plot.subtitle = sharedText(rs, v);
  plot.y.label = units;
  plot.x.label = x == SweepAxis::N ? "n (matrix is n x n)"
                 : x == SweepAxis::Block ? "block (tile edge)"
                                         : "threads";
  if (x == SweepAxis::Density) return densityPlot(records);

  // One series per kernel and combination of the other varying parameters,
  // in order of first appearance.
  std::vector<std::string> keys;
  std::map<std::string, std::vector<const BenchRecord*>> groups;
  for (const BenchRecord* r : rs) {
    std::string params = paramText(*r, v, x);
    std::string key = r->kernel + (params.empty() ? "" : " " + params);
    if (!groups.count(key)) keys.push_back(key);
    groups[key].push_back(r);
  }
  double lo = 1e300, hi = 0;
  for (const std::string& key : keys) {
    auto& g = groups[key];
    std::stable_sort(g.begin(), g.end(), [&](const BenchRecord* a, const BenchRecord* b) {
      return *axisValue(*a, x) < *axisValue(*b, x);
    });
    Series s{key, SeriesKind::Line, {}, paletteColor(plot.series.size()), false};
    for (const BenchRecord* r : g) {
      double xv = *axisValue(*r, x);
      lo = std::min(lo, xv);
      hi = std::max(hi, xv);
      Point p = ratePoint(*r, xv);
      p.label = key + ", " + axisName + "=" + std::to_string(int(xv));
      s.points.push_back(p);
    }
    plot.series.push_back(std::move(s));
  }
  if (x == SweepAxis::Threads) {
    // Perfect scaling from the 1-thread point, in the kernel's colour.
    std::size_t measured = plot.series.size();
    for (std::size_t i = 0; i < measured; ++i) {
      const Series& s = plot.series[i];
      auto one = std::find_if(s.points.begin(), s.points.end(), [](const Point& p) { return p.x == 1; });
      if (one == s.points.end() || s.points.size() < 2) continue;
      Series ideal{"ideal: " + s.name + " x threads", SeriesKind::Line, {}, s.color, true};
      for (const Point& p : s.points) {
        Point q;
        q.x = p.x;
        q.y = one->y * p.x;
        q.label = "ideal " + numText(q.y) + " at " + std::to_string(int(p.x)) + " threads";
        ideal.points.push_back(q);
      }
      plot.series.push_back(std::move(ideal));
    }
  }

  // Kernels that ignore a block / thread parameter still make a baseline to
  // compare with: a flat line at their rate (when one value per kernel).
  if (x != SweepAxis::N && hi > lo) {
    std::map<std::string, std::vector<const BenchRecord*>> others;
    std::vector<std::string> order;
    std::vector<const BenchRecord*> without;
    for (const BenchRecord* r : valid(records))
      if (!axisValue(*r, x)) without.push_back(r);
    Varies vw = varies(without);
    for (const BenchRecord* r : without) {
      std::string params = paramText(*r, vw, x);
      std::string key = r->kernel + (params.empty() ? "" : " " + params);
      if (!others.count(key)) order.push_back(key);
      others[key].push_back(r);
    }
    std::size_t colorIndex = keys.size();
    for (const std::string& kernel : order) {
      const auto& g = others[kernel];
      if (g.size() != 1) continue;  // repeated records: no single baseline
      Series s{kernel + " (no " + axisName + ")", SeriesKind::Line, {}, paletteColor(colorIndex++), false, false};
      for (double xv : {lo, hi}) {
        Point p;
        p.x = xv;
        p.y = g[0]->rate;
        p.label = kernel + ": " + numText(g[0]->rate) + " " + g[0]->unit + " (ignores " + axisName + ")";
        s.points.push_back(p);
      }
      plot.series.push_back(std::move(s));
    }
  }
  if (x != SweepAxis::Threads && lo > 0 && hi / lo >= 4) plot.x.scale = Scale::Log2;
  plot.x.integer = true;
  // Kernels a hundred times apart (naive vs BLAS): on a linear axis the slow
  // ones would lie flat on zero, so rates get a log axis.
  double yLo = 1e300, yHi = 0;
  for (const Series& s : plot.series)
    for (const Point& p : s.points) {
      yLo = std::min(yLo, p.y);
      yHi = std::max(yHi, p.y);
    }
  if (x != SweepAxis::Threads && yLo > 0 && yHi / yLo >= 30) plot.y.scale = Scale::Log10;

  if (x == SweepAxis::Block) {
    // Where three fp32 tiles (C, A, B) of b x b stop fitting in each cache.
    for (const CacheInfo& c : host().caches) {
      double b = std::sqrt(double(c.sizeBytes) / (3.0 * sizeof(float)));
      if (b >= lo && b <= hi)
        plot.markers.push_back(Marker{b, "3 tiles fill L" + std::to_string(c.level) + " (b=" +
                                             std::to_string(int(b)) + ")", std::nullopt});
    }
  }
  return plot;
}

Plot autoPlot(const std::vector<BenchRecord>& records) {
  std::vector<const BenchRecord*> rs = valid(records);
  std::set<int> n, block, threads;
  std::size_t withBlock = 0, withThreads = 0;
  for (const BenchRecord* r : rs) {
    n.insert(r->n);
    if (r->block) block.insert(*r->block), ++withBlock;
    if (r->threads) threads.insert(*r->threads), ++withThreads;
  }
  // A sweep needs three values, or two when every record takes part: two
  // block sizes beside kernels without blocks read better as bars.
  auto worth = [&](std::size_t values, std::size_t records) {
    return values >= 3 || (values == 2 && records == rs.size());
  };
  std::size_t best = 0;
  std::optional<SweepAxis> axis;
  for (auto [values, count, a] : {std::tuple{n.size(), rs.size(), SweepAxis::N},
                                  std::tuple{block.size(), withBlock, SweepAxis::Block},
                                  std::tuple{threads.size(), withThreads, SweepAxis::Threads}}) {
    if (worth(values, count) && values > best) {
      best = values;
      axis = a;
    }
  }
  return axis ? sweepPlot(records, *axis) : rateBars(records);
}

std::vector<double> crossoverDensities(std::vector<std::pair<double, double>> pts, double denseS) {
  std::sort(pts.begin(), pts.end());
  std::vector<double> out;
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const auto [d0, t0] = pts[i];
    const auto [d1, t1] = pts[i + 1];
    const double a = t0 - denseS, b = t1 - denseS;
    if (a == 0 && (out.empty() || out.back() != d0)) out.push_back(d0);
    if ((a < 0 && b > 0) || (a > 0 && b < 0)) out.push_back(d0 + (denseS - t0) * (d1 - d0) / (t1 - t0));
  }
  if (!pts.empty() && pts.back().second == denseS && (out.empty() || out.back() != pts.back().first))
    out.push_back(pts.back().first);
  return out;
}

Plot densityPlot(const std::vector<BenchRecord>& records, bool shortNames, const std::vector<std::string>& among) {
  std::vector<const BenchRecord*> rs = valid(records);
  std::vector<const BenchRecord*> sparse, dense;
  for (const BenchRecord* r : rs) (r->density ? sparse : dense).push_back(r);
  // Dense references: records of the same problem as a sparse one (same n,
  // the same dense work), one line each.
  std::erase_if(dense, [&](const BenchRecord* d) {
    return std::none_of(sparse.begin(), sparse.end(), [&](const BenchRecord* s) {
      return sameProblem(*s, *d);
    });
  });
  std::vector<const BenchRecord*> shown = sparse;
  shown.insert(shown.end(), dense.begin(), dense.end());
  const std::map<std::string, std::string> names = namesFor(shown, shortNames, among);
  std::set<int> ns;
  for (const BenchRecord* r : shown) ns.insert(r->n);
  const bool manyN = ns.size() > 1;
  auto nameOf = [&](const BenchRecord& r) {
    return names.at(r.kernel) + (manyN ? " n=" + std::to_string(r.n) : std::string());
  };

  Plot plot;
  plot.title = "Sparse against dense: time against density (lower is better)";
  plot.x.label = "density (share of nonzeros kept in A)";
  plot.y.label = "time (ms)";
  double dLo = 1e300, dHi = 0, tLo = 1e300, tHi = 0;
  for (const BenchRecord* r : sparse) {
    dLo = std::min(dLo, *r->density);
    dHi = std::max(dHi, *r->density);
  }
  // One line per sparse kernel and n, in order of first appearance.
  std::vector<std::string> keys;
  std::map<std::string, std::vector<const BenchRecord*>> groups;
  for (const BenchRecord* r : sparse) {
    const std::string key = nameOf(*r);
    if (!groups.count(key)) keys.push_back(key);
    groups[key].push_back(r);
  }
  std::size_t colour = 0;
  for (const std::string& key : keys) {
    auto& g = groups[key];
    std::stable_sort(g.begin(), g.end(), [](const BenchRecord* a, const BenchRecord* b) { return *a->density < *b->density; });
    Series s{key, SeriesKind::Line, {}, paletteColor(colour++), false};
    for (const BenchRecord* r : g) {
      Point p;
      p.x = *r->density;
      p.y = r->medianS * 1e3;
      if (r->minS > 0 && r->maxS > 0) {
        p.errLow = std::max(0.0, p.y - r->minS * 1e3);
        p.errHigh = std::max(0.0, r->maxS * 1e3 - p.y);
      }
      p.label = key + " at d=" + numText(*r->density) + ": " + msText(r->medianS);
      tLo = std::min(tLo, p.y);
      tHi = std::max(tHi, p.y);
      s.points.push_back(p);
    }
    plot.series.push_back(std::move(s));
  }
  if (dHi <= dLo) dHi = dLo * 2;  // one density: the references still span something
  for (const BenchRecord* d : dense) {
    Series s{nameOf(*d) + " (dense): " + msText(d->medianS), SeriesKind::Line, {}, paletteColor(colour++), true, false};
    for (double x : {dLo, dHi}) {
      Point p;
      p.x = x;
      p.y = d->medianS * 1e3;
      p.label = nameOf(*d) + " (dense, any density): " + msText(d->medianS);
      s.points.push_back(p);
    }
    tLo = std::min(tLo, d->medianS * 1e3);
    tHi = std::max(tHi, d->medianS * 1e3);
    plot.series.push_back(std::move(s));
  }
  // Crossovers: where each sparse line meets each reference of its n.
  std::vector<std::string> found;
  for (const std::string& key : keys) {
    const auto& g = groups[key];
    std::vector<std::pair<double, double>> pts;
    for (const BenchRecord* r : g) pts.push_back({*r->density, r->medianS});
    for (const BenchRecord* d : dense) {
      if (d->n != g.front()->n) continue;
      for (double x : crossoverDensities(pts, d->medianS)) {
        plot.markers.push_back(Marker{x, names.at(g.front()->kernel) + " = " + names.at(d->kernel) + " at d=" +
                                             numText(std::round(x * 1000) / 1000), std::nullopt});
        found.push_back(names.at(d->kernel));
      }
    }
  }
  std::string sub;
  if (!manyN && !ns.empty()) sub = "n=" + std::to_string(*ns.begin()) + ", ";
  sub += "median of reps, error bars: fastest / slowest; dashed: dense kernels (no density)";
  if (!dense.empty() && found.empty()) sub += "; no crossover in the densities measured";
  plot.subtitle = sub + "; " + (host().cpuModel.empty() ? std::string("this host") : host().cpuModel);
  if (dLo > 0 && dHi / dLo >= 20) plot.x.scale = Scale::Log10;
  if (tLo > 0 && tHi / tLo >= 30) plot.y.scale = Scale::Log10;
  return plot;
}

std::vector<Plot> benchPlots(const std::vector<BenchRecord>& records, bool shortNames) {
  std::set<double> densities;
  for (const BenchRecord* r : valid(records))
    if (r->density) densities.insert(*r->density);
  if (densities.size() >= 2) return {densityPlot(records, shortNames)};
  std::vector<Plot> plots;
  std::vector<std::string> ids;
  for (const BenchRecord& r : records) ids.push_back(r.kernel);
  for (const std::vector<BenchRecord>& unit : splitByUnit(records)) {
    if (valid(unit).empty()) continue;
    Plot p = autoPlot(unit);
    if (shortNames && p.series.size() && p.series[0].kind == SeriesKind::Bars) p = rateBars(unit, true, ids);
    plots.push_back(std::move(p));
  }
  if (plots.empty()) plots.push_back(rateBars(records, shortNames));  // nothing valid: an empty chart says so
  return plots;
}

}  // namespace cachescope::plot
