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
  }
  return std::nullopt;
}

}  // namespace

const char* toString(SweepAxis axis) {
  switch (axis) {
    case SweepAxis::N: return "n";
    case SweepAxis::Block: return "block";
    case SweepAxis::Threads: return "threads";
  }
  return "?";
}

Plot rateBars(const std::vector<BenchRecord>& records) {
  std::vector<const BenchRecord*> rs = valid(records);
  Varies v = varies(rs);
  Plot plot;
  std::string units = unitsText(rs);
  plot.title = "Speed of each kernel (" + units + ", higher is better)";
  plot.subtitle = sharedText(rs, v);
  plot.y.label = units;
  std::map<std::string, std::size_t> seriesOfUnit;
  for (const BenchRecord* r : rs) {
    double x = double(plot.x.categories.size());
    std::string params = paramText(*r, v, std::nullopt);
    // Two lines keep the categories narrow: the id, then the parameters.
    plot.x.categories.push_back(r->kernel + (params.empty() ? "" : "\n" + params));
    auto [it, fresh] = seriesOfUnit.try_emplace(r->unit, plot.series.size());
    if (fresh) plot.series.push_back(Series{r->unit, SeriesKind::Bars, {}, std::nullopt, false});
    Point p = ratePoint(*r, x);
    p.label = r->kernel + (params.empty() ? "" : " " + params);
    plot.series[it->second].points.push_back(p);
  }
  // A single unit needs no legend: the axis says it.
  if (plot.series.size() == 1) plot.series[0].name.clear();
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

}  // namespace cachescope::plot
