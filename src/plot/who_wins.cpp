#include "plot/who_wins.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "report/numbers.hpp"

namespace cachescope::plot {

namespace {

std::optional<double> valueOf(const BenchRecord& r, SweepAxis axis) {
  switch (axis) {
    case SweepAxis::N: return double(r.n);
    case SweepAxis::Block: return r.block ? std::optional<double>(*r.block) : std::nullopt;
    case SweepAxis::Threads: return r.threads ? std::optional<double>(*r.threads) : std::nullopt;
    case SweepAxis::Density: return r.density;
  }
  return std::nullopt;
}

bool matches(const BenchRecord& r, const WhoWinsFilter& f) {
  if (f.bits && r.bits.value_or(32) != *f.bits) return false;
  if (f.threads && r.threads && *r.threads != *f.threads) return false;
  if (f.density && r.density && *r.density != *f.density) return false;
  return true;
}

bool takesPart(const BenchRecord& r) { return r.outcome == Outcome::Ok && r.medianS > 0 && !r.chosenKernel; }

std::string num(double v) { return significantText(v); }
std::string timeText(double s) { return durationText(s); }

std::string shortName(const std::string& id) {
  const std::size_t dot = id.find('.');
  return dot == std::string::npos ? id : id.substr(dot + 1);
}

// The palette colour mixed halfway with white: dark text stays readable on
// every cell, and neighbours keep their hue apart.
Color tint(std::size_t index) {
  const Color c = paletteColor(index);
  auto mix = [](unsigned v) { return (v + 255u) / 2u; };
  const unsigned r = mix((c >> 24) & 0xFF), g = mix((c >> 16) & 0xFF), b = mix((c >> 8) & 0xFF);
  return (Color(r) << 24) | (Color(g) << 16) | (Color(b) << 8) | 0xFFu;
}

std::string axisTitle(SweepAxis a) {
  switch (a) {
    case SweepAxis::N: return "n (matrix size)";
    case SweepAxis::Threads: return "threads";
    case SweepAxis::Density: return "density of A";
    case SweepAxis::Block: return "block";
  }
  return "";
}

}  // namespace

WhoWinsMap whoWins(const std::vector<BenchRecord>& records, SweepAxis x, SweepAxis y, const WhoWinsFilter& filter) {
  WhoWinsMap m;
  m.x = x;
  m.y = y;
  m.filter = filter;
  std::set<double> xs, ys;
  for (const BenchRecord& r : records) {
    if (!takesPart(r) || !matches(r, filter)) continue;
    if (auto v = valueOf(r, x)) xs.insert(*v);
    if (auto v = valueOf(r, y)) ys.insert(*v);
  }
  if (xs.empty() && x != SweepAxis::N) xs.insert(1.0);
  if (ys.empty() && y != SweepAxis::N) ys.insert(1.0);
  m.xs.assign(xs.begin(), xs.end());
  m.ys.assign(ys.begin(), ys.end());
  const std::size_t nx = m.xs.size(), ny = m.ys.size();
  m.winner.assign(ny, std::vector<int>(nx, -1));
  m.winnerS.assign(ny, std::vector<double>(nx, 0));
  m.margin.assign(ny, std::vector<double>(nx, 0));
  m.runnerUp.assign(ny, std::vector<std::string>(nx));
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) {
      // The best median of each kernel in this cell.
      std::map<std::string, double> best;
      for (const BenchRecord& r : records) {
        if (!takesPart(r) || !matches(r, filter)) continue;
        const std::optional<double> vx = valueOf(r, x), vy = valueOf(r, y);
        if ((vx && *vx != m.xs[i]) || (vy && *vy != m.ys[j])) continue;
        if (!vx && x == SweepAxis::N) continue;
        auto it = best.find(r.kernel);
        if (it == best.end() || r.medianS < it->second) best[r.kernel] = r.medianS;
      }
      if (best.empty()) continue;
      std::vector<std::pair<double, std::string>> order;
      for (const auto& [id, s] : best) order.push_back({s, id});
      std::sort(order.begin(), order.end());
      const std::string& win = order.front().second;
      auto k = std::find(m.kernels.begin(), m.kernels.end(), win);
      if (k == m.kernels.end()) k = m.kernels.insert(m.kernels.end(), win);
      m.winner[j][i] = int(k - m.kernels.begin());
      m.winnerS[j][i] = order.front().first;
      if (order.size() > 1) {
        m.runnerUp[j][i] = order[1].second;
        m.margin[j][i] = order[1].first / order.front().first;
      }
    }
  return m;
}

Plot whoWinsPlot(const WhoWinsMap& m, const KernelTitles& titles, const std::vector<std::string>& colourOrder) {
  Plot p;
  std::string held;
  if (m.filter.bits) held += *m.filter.bits == 32 ? "fp32" : std::to_string(*m.filter.bits) + "-bit";
  if (m.filter.threads) held += (held.empty() ? "" : ", ") + std::to_string(*m.filter.threads) + (*m.filter.threads == 1 ? " thread" : " threads");
  if (m.filter.density) held += (held.empty() ? "" : ", ") + std::string("density ") + num(*m.filter.density);
  p.title = "Who wins where: the fastest kernel per " + std::string(toString(m.x)) + " and " + toString(m.y) +
            (held.empty() ? "" : " (" + held + ")");
  p.subtitle = "colour: the fastest (lowest median time); label: it and its lead over the runner-up (time ratio; in a narrow cell the lead alone)";
  p.x.label = axisTitle(m.x);
  p.y.label = axisTitle(m.y);
  for (double v : m.xs) p.x.categories.push_back(num(v));
  for (double v : m.ys) p.y.categories.push_back(num(v));
  for (std::size_t k = 0; k < m.kernels.size(); ++k) {
    Series s;
    auto t = titles.find(m.kernels[k]);
    s.name = t != titles.end() ? t->second + " (" + shortName(m.kernels[k]) + ")" : m.kernels[k];
    s.kind = SeriesKind::Bars;
    s.valueLabels = false;
    auto at = std::find(colourOrder.begin(), colourOrder.end(), m.kernels[k]);
    s.color = tint(at != colourOrder.end() ? std::size_t(at - colourOrder.begin()) : k);
    p.series.push_back(s);
  }
  for (std::size_t j = 0; j < m.ys.size(); ++j)
    for (std::size_t i = 0; i < m.xs.size(); ++i) {
      const int w = m.winner[j][i];
      if (w < 0) continue;
      Cell c;
      c.x = i;
      c.y = j;
      c.series = std::size_t(w);
      const std::string& id = m.kernels[std::size_t(w)];
      char lead[32];
      std::snprintf(lead, sizeof lead, "%.2fx", m.margin[j][i]);
      c.label = shortName(id) + (m.runnerUp[j][i].empty() ? "" : std::string("\n") + lead);
      if (!m.runnerUp[j][i].empty()) {
        char shortLead[32];  // "12x" where "12.34x" would not fit
        std::snprintf(shortLead, sizeof shortLead, m.margin[j][i] < 10 ? "%.2fx" : "%.0fx", m.margin[j][i]);
        c.shortLabel = shortLead;
      }
      c.hover = std::string(toString(m.x)) + "=" + num(m.xs[i]) + " " + toString(m.y) + "=" + num(m.ys[j]) + ": " + id +
                " " + timeText(m.winnerS[j][i]);
      if (!m.runnerUp[j][i].empty())
        c.hover += "; runner-up " + m.runnerUp[j][i] + " " + timeText(m.winnerS[j][i] * m.margin[j][i]) + " (" + lead +
                   " slower)";
      p.cells.push_back(c);
    }
  return p;
}

std::vector<Plot> whoWinsPlots(const std::vector<BenchRecord>& records, const KernelTitles& titles, NAxis nAxis) {
  std::set<int> bitsSet, threadsSet;
  std::set<double> densities;
  std::set<int> ns;
  for (const BenchRecord& r : records) {
    if (!takesPart(r)) continue;
    bitsSet.insert(r.bits.value_or(32));
    if (r.threads) threadsSet.insert(*r.threads);
    if (r.density && *r.density < 1.0) densities.insert(*r.density);
    ns.insert(r.n);
  }
  if (ns.size() < 2) return {};
  std::vector<WhoWinsMap> maps;
  auto map = [&](SweepAxis other, const WhoWinsFilter& f) {
    maps.push_back(nAxis == NAxis::Across ? whoWins(records, SweepAxis::N, other, f)
                                          : whoWins(records, other, SweepAxis::N, f));
  };
  for (auto b = bitsSet.rbegin(); b != bitsSet.rend(); ++b) {  // fp32 first, then 8 and 4 bits
    const int bits = *b;
    std::set<std::string> kernels;
    for (const BenchRecord& r : records)
      if (takesPart(r) && r.bits.value_or(32) == bits) kernels.insert(r.kernel);
    if (kernels.size() < 2) continue;
    WhoWinsFilter f;
    f.bits = bits;
    f.density = 1.0;
    map(SweepAxis::Threads, f);
    if (bits == 32 && !densities.empty()) {
      if (threadsSet.empty()) {
        WhoWinsFilter d;
        d.bits = bits;
        map(SweepAxis::Density, d);
      }
      for (int t : threadsSet) {
        WhoWinsFilter d;
        d.bits = bits;
        d.threads = t;
        map(SweepAxis::Density, d);
      }
    }
  }
  // One colour per kernel that wins anywhere, the same in every map.
  std::vector<std::string> order;
  for (const WhoWinsMap& m : maps)
    for (const std::string& id : m.kernels)
      if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
  std::vector<Plot> out;
  for (const WhoWinsMap& m : maps) out.push_back(whoWinsPlot(m, titles, order));
  return out;
}

}  // namespace cachescope::plot
