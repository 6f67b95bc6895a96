#include "plot/layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cachescope::plot {

namespace {

constexpr float kCharEm = 0.55f;  // average advance of DejaVu Sans / sans-serif

int lineCount(const std::string& s) { return 1 + int(std::count(s.begin(), s.end(), '\n')); }

float estimatedWidth(const std::string& line, float fontPx) {
  std::size_t points = 0;
  for (char c : line)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++points;  // count UTF-8 code points
  return float(points) * fontPx * kCharEm;
}

// Drops characters from the end (whole UTF-8 code points) until the text and
// "..." fit in maxPx.
std::string shorten(const std::string& s, float maxPx, float fontPx, const TextWidthFn& measure) {
  if (textWidth(s, fontPx, measure) <= maxPx) return s;
  std::string keep = s;
  while (!keep.empty()) {
    while (!keep.empty() && (static_cast<unsigned char>(keep.back()) & 0xC0) == 0x80) keep.pop_back();
    if (!keep.empty()) keep.pop_back();  // the code point's lead byte (or an ASCII character)
    if (textWidth(keep + "...", fontPx, measure) <= maxPx) break;
  }
  return keep + "...";
}

double inverse(double t, Range r, Scale scale) {
  if (scale == Scale::Linear) return r.lo + t * (r.hi - r.lo);
  double l = std::log(r.lo), h = std::log(r.hi);
  return std::exp(l + t * (h - l));
}

std::vector<Tick> categoryTicks(const Plot& plot, Range x) {
  std::vector<Tick> ticks;
  for (std::size_t i = 0; i < plot.x.categories.size(); ++i)
    if (double(i) >= x.lo && double(i) <= x.hi) ticks.push_back({double(i), plot.x.categories[i]});
  return ticks;
}

float widestLabel(const std::vector<Tick>& ticks, float fontPx, const TextWidthFn& measure) {
  float w = 0;
  for (const Tick& t : ticks) w = std::max(w, textWidth(t.label, fontPx, measure));
  return w;
}

// Side-by-side bars: within each x, the bar series that have a point there
// share the slot in series order.
std::vector<std::vector<BarSpan>> barSpans(const Plot& plot) {
  std::vector<std::vector<BarSpan>> spans(plot.series.size());
  std::map<double, std::vector<std::size_t>> seriesAt;
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    if (plot.series[s].kind != SeriesKind::Bars) continue;
    for (const Point& p : plot.series[s].points) {
      auto& list = seriesAt[p.x];
      if (list.empty() || list.back() != s) list.push_back(s);
    }
  }
  // Slot width: the smallest gap between bar positions (1 for categories).
  double slot = 1;
  if (seriesAt.size() >= 2) {
    double gap = 1e300;
    for (auto it = std::next(seriesAt.begin()); it != seriesAt.end(); ++it)
      gap = std::min(gap, it->first - std::prev(it)->first);
    if (gap > 0 && std::isfinite(gap)) slot = gap;
  }
  const double used = 0.8 * slot;
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    if (plot.series[s].kind != SeriesKind::Bars) continue;
    for (const Point& p : plot.series[s].points) {
      const auto& list = seriesAt[p.x];
      double k = double(std::find(list.begin(), list.end(), s) - list.begin());
      double w = used / double(list.size());
      double x0 = p.x - used / 2 + k * w;
      spans[s].push_back({x0, x0 + w});
    }
  }
  return spans;
}

}  // namespace

float textWidth(const std::string& text, float fontPx, const TextWidthFn& measure) {
  float longest = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    longest = std::max(longest, measure ? measure(line, fontPx) : estimatedWidth(line, fontPx));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return longest;
}

double Frame::dataX(float pixel) const {
  return area.width() > 0 ? inverse((pixel - area.x0) / area.width(), x, xScale) : x.lo;
}

double Frame::dataY(float pixel) const {
  return area.height() > 0 ? inverse((area.y1 - pixel) / area.height(), y, yScale) : y.lo;
}

double Frame::barBase() const {
  if (yScale != Scale::Linear) return y.lo;
  return std::clamp(0.0, std::min(y.lo, y.hi), std::max(y.lo, y.hi));
}

Frame layoutPlot(const Plot& plot, float width, float height, float fontPx, const TextWidthFn& measure) {
  Frame f;
  f.width = std::max(width, 50.0f);
  f.height = std::max(height, 50.0f);
  f.fontPx = std::max(fontPx, 6.0f);
  f.smallFontPx = std::round(f.fontPx * 0.86f);
  f.lineHeight = f.smallFontPx * 1.3f;
  f.capPx = std::max(4.0f, f.fontPx * 0.4f);
  f.pointRadius = std::max(2.5f, f.fontPx * 0.22f);
  f.x = xRange(plot);
  f.y = yRange(plot);
  f.xScale = plot.x.scale;
  f.yScale = plot.y.scale;
  f.xCategories = !plot.x.categories.empty() && plot.x.scale == Scale::Linear;
  const float pad = f.fontPx * 0.8f;
  const float gap = f.fontPx * 0.4f;

  // --- vertical: title, subtitle, y axis label row, area, tick labels, x label
  float top = pad;
  if (!plot.title.empty()) {
    f.titleY = top + f.fontPx * 1.1f;
    top = f.titleY + f.fontPx * 0.4f;
  }
  if (!plot.subtitle.empty()) {
    f.subtitleY = top + f.smallFontPx * 1.1f;
    top = f.subtitleY + f.smallFontPx * 0.3f;
  }
  if (!plot.y.label.empty()) {
    // The y axis label sits above the axis, horizontally: readable, and
    // drawable by ImGui, which cannot rotate text.
    f.yLabelPos.y = top + f.smallFontPx * 1.4f;
    top = f.yLabelPos.y + f.smallFontPx * 0.6f;
  } else {
    top += gap;
  }
  int xLines = 1;
  if (f.xCategories)
    for (const std::string& c : plot.x.categories) xLines = std::max(xLines, lineCount(c));
  float bottom = f.height - pad;
  if (!plot.x.label.empty()) {
    f.xLabelPos.y = bottom - f.fontPx * 0.25f;
    bottom -= f.fontPx * 1.3f;
  }
  bottom -= float(xLines) * f.lineHeight + gap;
  f.area.y0 = top;
  f.area.y1 = std::max(bottom, top + 10);
  f.xTickLabelY = f.area.y1 + gap + f.smallFontPx;

  // --- y ticks decide the left margin
  int yTarget = std::clamp(int(f.area.height() / (f.fontPx * 2.6f)), 2, 8);
  f.yTicks = niceTicks(f.y.lo, f.y.hi, f.yScale, yTarget);
  float yLabelW = widestLabel(f.yTicks, f.smallFontPx, measure);
  f.area.x0 = pad + yLabelW + gap;
  f.yTickLabelX = f.area.x0 - gap;
  f.yLabelPos.x = pad;
  f.yLabelTopLeft = {pad, f.yLabelPos.y - f.smallFontPx};

  // --- legend on the right, outside the data
  float right = f.width - pad;
  std::vector<std::size_t> named;
  for (std::size_t s = 0; s < plot.series.size(); ++s)
    if (!plot.series[s].name.empty()) named.push_back(s);
  if (!named.empty()) {
    float nameW = 0;
    for (std::size_t s : named) nameW = std::max(nameW, textWidth(plot.series[s].name, f.smallFontPx, measure));
    const float swatchW = f.smallFontPx * 2.0f;
    float boxW = std::min(gap + swatchW + gap + nameW + gap, f.width * 0.32f);
    f.legend = {right - boxW, f.area.y0, right, f.area.y0 + gap + float(named.size()) * f.lineHeight * 1.15f};
    float y = f.legend.y0 + gap;
    for (std::size_t s : named) {
      LegendEntry e;
      e.series = s;
      e.text = shorten(plot.series[s].name, boxW - swatchW - 3 * gap + 1, f.smallFontPx, measure);
      float mid = y + f.lineHeight * 0.55f;
      e.swatch = {f.legend.x0 + gap, mid - f.smallFontPx * 0.35f, f.legend.x0 + gap + swatchW,
                  mid + f.smallFontPx * 0.35f};
      e.textPos = {e.swatch.x1 + gap, mid + f.smallFontPx * 0.35f};
      f.legendEntries.push_back(e);
      y += f.lineHeight * 1.15f;
    }
    right = f.legend.x0 - pad;
  }
  f.area.x1 = std::max(right, f.area.x0 + 10);

  // --- x ticks: as many as fit without their labels touching
  if (f.xCategories) {
    f.xTicks = categoryTicks(plot, f.x);
  } else {
    int target = std::clamp(int(f.area.width() / (f.fontPx * 5)), 2, 10);
    for (int attempt = 0; attempt < 6; ++attempt) {
      f.xTicks = niceTicks(f.x.lo, f.x.hi, f.xScale, target);
      float need = 0;
      for (const Tick& t : f.xTicks) need += textWidth(t.label, f.smallFontPx, measure) + f.fontPx;
      if (need <= f.area.width() || target <= 2) break;
      target = std::max(2, target - 2);
    }
    if (plot.x.integer && f.xScale == Scale::Linear) {
      std::erase_if(f.xTicks, [](const Tick& t) { return t.value != std::round(t.value); });
      if (f.xTicks.size() < 2) {
        // A short range such as 1..2 threads: every whole number in it.
        f.xTicks.clear();
        for (double v = std::ceil(f.x.lo); v <= f.x.hi && f.xTicks.size() < 64; v += 1)
          f.xTicks.push_back({v, std::to_string(long(v))});
      }
    }
  }
  f.xLabelPos.x = (f.area.x0 + f.area.x1) / 2;

  f.bars = barSpans(plot);

  // --- marker labels: right of their line, in the first row where they fit
  std::vector<float> rowEnd;
  std::vector<std::size_t> order(plot.markers.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return plot.markers[a].x < plot.markers[b].x; });
  f.markerLabels.resize(plot.markers.size());
  for (std::size_t i : order) {
    const Marker& m = plot.markers[i];
    float lx = f.px(m.x);
    float w = textWidth(m.label, f.smallFontPx, measure);
    float x0 = lx + gap * 0.75f;
    if (std::isfinite(lx) && x0 + w > f.area.x1) x0 = lx - gap * 0.75f - w;  // no room: left of the line
    std::size_t row = 0;
    while (row < rowEnd.size() && rowEnd[row] > x0) ++row;
    if (row == rowEnd.size()) rowEnd.push_back(0);
    rowEnd[row] = x0 + w + gap;
    f.markerLabels[i] = {{x0, f.area.y0 + f.lineHeight * float(row + 1)}, m.label};
  }

  // --- bar values: three significant digits, where every bar has room
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const Series& series = plot.series[s];
    if (series.kind != SeriesKind::Bars) continue;
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      const Point& p = series.points[i];
      float x0 = f.px(f.bars[s][i].x0), x1 = f.px(f.bars[s][i].x1), top = f.py(p.y + p.errHigh);
      if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(top)) continue;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", p.y);
      std::string text = buf;
      if (textWidth(text, f.smallFontPx, measure) > x1 - x0) continue;
      float y = std::max(top - f.smallFontPx * 0.4f, f.area.y0 + f.smallFontPx);
      f.barLabels.push_back({s, i, {(x0 + x1) / 2, y}, false, text});
    }
  }

  // --- point labels: beside the point, moved down / up a line at a time
  // until they clear the labels already placed.
  std::vector<Rect> taken;
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    if (plot.series[s].kind != SeriesKind::Points) continue;
    for (std::size_t i = 0; i < plot.series[s].points.size(); ++i) {
      const Point& p = plot.series[s].points[i];
      float x = f.px(p.x), y = f.py(p.y);
      if (p.label.empty() || !std::isfinite(x) || !std::isfinite(y)) continue;
      float w = textWidth(p.label, f.smallFontPx, measure);
      bool right = x + f.pointRadius * 2.5f + w > f.area.x1;
      float x0 = right ? x - f.pointRadius * 2.5f - w : x + f.pointRadius * 2.5f;
      float base = y + f.smallFontPx * 0.35f;
      Rect box;
      for (int k = 0; k < 40; ++k) {
        // 0, +1, -1, +2, -2 ... lines from the point's height
        float shift = float((k + 1) / 2) * (k % 2 ? 1.0f : -1.0f) * f.lineHeight;
        box = {x0, base + shift - f.smallFontPx, x0 + w, base + shift + f.smallFontPx * 0.25f};
        bool clear = std::none_of(taken.begin(), taken.end(), [&](const Rect& t) {
          return box.x0 < t.x1 && t.x0 < box.x1 && box.y0 < t.y1 && t.y0 < box.y1;
        });
        if (clear) break;
      }
      taken.push_back(box);
      f.pointLabels.push_back({s, i, {right ? box.x1 : box.x0, box.y1 - f.smallFontPx * 0.25f}, right, p.label});
    }
  }
  return f;
}

}  // namespace cachescope::plot
