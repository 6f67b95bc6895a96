// The shared plot layout (layout.hpp): text measuring and wrapping, the
// placement of every text box, the problem check and the minimum size.
//
// [SECTION] text
// [SECTION] pieces: bars, ticks, category labels, legend
// [SECTION] layoutPlot
// [SECTION] problems and minimum size
#include "plot/layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cachescope::plot {

namespace {

// [SECTION] text

constexpr float kCharEm = 0.55f;     // average advance of DejaVu Sans / sans-serif
constexpr float kBoldFactor = 1.12f; // DejaVu Sans Bold is up to ~12% wider
constexpr float kAscentEm = 0.8f, kDescentEm = 0.25f, kLineEm = 1.25f;

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

float estimatedWidth(const std::string& line, float fontPx, bool bold) {
  std::size_t points = 0;
  for (char c : line)
    if (!continuation(c)) ++points;  // count UTF-8 code points
  return float(points) * fontPx * kCharEm * (bold ? kBoldFactor : 1.0f);
}

float lineWidth(const std::string& line, float fontPx, const TextWidthFn& measure, bool bold) {
  return measure ? measure(line, fontPx, bold) : estimatedWidth(line, fontPx, bold);
}

// Drops characters from the end (whole UTF-8 code points) until the text and
// "..." fit in maxPx.
std::string shorten(const std::string& s, float maxPx, float fontPx, const TextWidthFn& measure) {
  if (lineWidth(s, fontPx, measure, false) <= maxPx) return s;
  std::string keep = s;
  while (!keep.empty()) {
    while (!keep.empty() && continuation(keep.back())) keep.pop_back();
    if (!keep.empty()) keep.pop_back();  // the code point's lead byte (or an ASCII character)
    if (lineWidth(keep + "...", fontPx, measure, false) <= maxPx) break;
  }
  return keep + "...";
}

// Splits one line (no '\n') into pieces that end at a break opportunity: a
// space (kept at the piece's end, trimmed when a line ends there), a dot, a
// comma or a slash.
std::vector<std::string> breakPieces(const std::string& line) {
  std::vector<std::string> pieces;
  std::string cur;
  for (char c : line) {
    cur += c;
    if (c == ' ' || c == '.' || c == ',' || c == '/') {
      pieces.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) pieces.push_back(cur);
  return pieces;
}

std::string trimRight(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Cuts a word wider than maxPx between code points, each piece as long as fits.
std::vector<std::string> breakWord(const std::string& word, float maxPx, float fontPx, const TextWidthFn& measure,
                                   bool bold) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < word.size();) {
    std::size_t j = i + 1;
    while (j < word.size() && continuation(word[j])) ++j;
    std::string next = cur + word.substr(i, j - i);
    if (!cur.empty() && lineWidth(trimRight(next), fontPx, measure, bold) > maxPx) {
      out.push_back(cur);
      cur = word.substr(i, j - i);
    } else {
      cur = next;
    }
    i = j;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

double inverse(double t, Range r, Scale scale) {
  if (scale == Scale::Linear) return r.lo + t * (r.hi - r.lo);
  double l = std::log(r.lo), h = std::log(r.hi);
  return std::exp(l + t * (h - l));
}

// [SECTION] pieces: bars, ticks, category labels, legend

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

std::string valueText(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) std::snprintf(buf, sizeof buf, "%.2g", v);
  else std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.0f" : "%.3g", v);
  return buf;
}

bool overlaps(const Rect& a, const Rect& b, float tolerance = 0.5f) {
  return a.x0 + tolerance < b.x1 && b.x0 + tolerance < a.x1 && a.y0 + tolerance < b.y1 && b.y0 + tolerance < a.y1;
}

struct Ctx {
  const Plot& plot;
  Frame& f;
  const TextWidthFn& measure;
  float F, L, pad, gap;

  float width(const std::string& s, bool bold = false) const { return lineWidth(s, F, measure, bold); }

  TextItem item(const std::string& text, TextRole role, float x, float baseline, Anchor anchor, bool bold = false,
                std::size_t index = 0) const {
    TextItem t;
    t.text = text;
    t.role = role;
    t.pos = {x, baseline};
    t.anchor = anchor;
    t.fontPx = F;
    t.bold = bold;
    t.index = index;
    const float w = width(text, bold);
    const float x0 = anchor == Anchor::Start ? x : anchor == Anchor::Middle ? x - w / 2 : x - w;
    t.box = {x0, baseline - kAscentEm * F, x0 + w, baseline + kDescentEm * F};
    return t;
  }

  // Lines stacked from `top`: returns the bottom of the block.
  float block(const std::vector<std::string>& lines, TextRole role, float x, float top, Anchor anchor,
              bool bold = false) {
    float baseline = top + kAscentEm * F;
    for (const std::string& line : lines) {
      f.texts.push_back(item(line, role, x, baseline, anchor, bold));
      baseline += L;
    }
    return lines.empty() ? top : baseline - L + kDescentEm * F;
  }
  float blockHeight(std::size_t lines) const {
    return lines == 0 ? 0 : (kAscentEm + kDescentEm) * F + float(lines - 1) * L;
  }
};

// Category labels: lines per category and whether they alternate rows.
struct CategoryLabels {
  std::vector<std::vector<std::string>> lines;
  bool staggered = false;
  int rowsEven = 0, rowsOdd = 0;  // lines of the first / second row
  int totalLines() const { return staggered ? rowsEven + rowsOdd : rowsEven; }
};

// The widest word of `text`: what wrapping at spaces, dots, commas and
// slashes cannot make narrower.
float widestWord(const Ctx& c, const std::string& text) {
  float widest = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    for (const std::string& piece : breakPieces(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start)))
      widest = std::max(widest, c.width(trimRight(piece)));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return widest;
}

// Wraps each category to `room`; true when no word had to be broken.
bool wrapCategories(const Ctx& c, const std::vector<std::string>& cats, float room,
                    std::vector<std::vector<std::string>>& out) {
  out.clear();
  bool fits = true;
  for (const std::string& cat : cats) {
    if (widestWord(c, cat) > room) fits = false;
    out.push_back(wrapText(cat, room, c.F, c.measure));
  }
  return fits;
}

CategoryLabels categoryLabels(const Ctx& c, const std::vector<std::string>& cats, float slotPx) {
  CategoryLabels labels;
  const float room = std::max(1.0f, slotPx - c.F * 0.5f);
  if (!wrapCategories(c, cats, room, labels.lines) && cats.size() > 1) {
    // Alternate rows: each label has its neighbours' room too (words that
    // are wider still break between characters).
    labels.staggered = true;
    wrapCategories(c, cats, std::max(1.0f, 2 * slotPx - c.F * 0.5f), labels.lines);
  }
  for (std::size_t i = 0; i < labels.lines.size(); ++i) {
    int n = int(labels.lines[i].size());
    if (labels.staggered && i % 2) labels.rowsOdd = std::max(labels.rowsOdd, n);
    else labels.rowsEven = std::max(labels.rowsEven, n);
  }
  labels.rowsEven = std::max(labels.rowsEven, 1);
  return labels;
}

// Legend entries: the named series.
struct LegendPlan {
  std::vector<std::size_t> named;
  std::vector<std::string> text;
  float swatchW = 0;
  float columnW = 0;  // box width beside the area
};

LegendPlan planLegend(const Ctx& c) {
  LegendPlan l;
  l.swatchW = c.F * 1.6f;
  const float room = c.f.width - 2 * c.pad - l.swatchW - 3 * c.gap;
  for (std::size_t s = 0; s < c.plot.series.size(); ++s) {
    const std::string& name = c.plot.series[s].name;
    if (name.empty()) continue;
    l.named.push_back(s);
    l.text.push_back(shorten(name, std::max(room, c.F), c.F, c.measure));
  }
  float widest = 0;
  for (const std::string& t : l.text) widest = std::max(widest, c.width(t));
  l.columnW = c.gap + l.swatchW + c.gap + widest + c.gap;
  return l;
}

// Rows of legend entries from x0 to x1; returns the entries' rows.
std::vector<int> legendRows(const Ctx& c, const LegendPlan& l, float x0, float x1) {
  std::vector<int> row(l.named.size(), 0);
  float x = x0;
  int r = 0;
  for (std::size_t i = 0; i < l.named.size(); ++i) {
    const float w = l.swatchW + c.gap + c.width(l.text[i]);
    if (x > x0 && x + w > x1) {
      ++r;
      x = x0;
    }
    row[i] = r;
    x += w + c.F * 1.2f;
  }
  return row;
}

// Y ticks whose labels do not touch: fewer until neighbours are a line apart.
std::vector<Tick> yTicksFor(const Frame& f, float F) {
  // The most ticks (up to 8) whose labels stay a line and a bit apart.
  int target = std::clamp(int(f.area.height() / (F * 1.6f)), 2, 8);
  std::vector<Tick> ticks;
  for (;; --target) {
    ticks = niceTicks(f.y.lo, f.y.hi, f.yScale, target);
    bool ok = true;
    for (std::size_t i = 1; i < ticks.size() && ok; ++i)
      if (std::fabs(f.py(ticks[i].value) - f.py(ticks[i - 1].value)) < F * 1.3f) ok = false;
    if (ok || target <= 2) break;
  }
  if (ticks.size() > 2) {
    bool ok = true;
    for (std::size_t i = 1; i < ticks.size() && ok; ++i)
      if (std::fabs(f.py(ticks[i].value) - f.py(ticks[i - 1].value)) < F * 1.3f) ok = false;
    if (!ok) ticks = {ticks.front(), ticks.back()};  // the ends of a crowded log axis
  }
  return ticks;
}

// Numeric x ticks: as many as fit with their labels a gap apart.
std::vector<Tick> xTicksFor(const Ctx& c) {
  const Frame& f = c.f;
  int target = std::clamp(int(f.area.width() / (c.F * 5)), 2, 10);
  std::vector<Tick> ticks;
  for (;;) {
    ticks = niceTicks(f.x.lo, f.x.hi, f.xScale, target);
    if (c.plot.x.integer && f.xScale == Scale::Linear) {
      std::erase_if(ticks, [](const Tick& t) { return t.value != std::round(t.value); });
      if (ticks.size() < 2) {
        // A short range such as 1..2 threads: every whole number in it.
        ticks.clear();
        for (double v = std::ceil(f.x.lo); v <= f.x.hi && ticks.size() < 64; v += 1)
          ticks.push_back({v, std::to_string(long(v))});
      }
    }
    bool ok = true;
    for (std::size_t i = 1; i < ticks.size() && ok; ++i) {
      const float a = f.px(ticks[i - 1].value) + c.width(ticks[i - 1].label) / 2;
      const float b = f.px(ticks[i].value) - c.width(ticks[i].label) / 2;
      if (b - a < c.F * 0.6f) ok = false;
    }
    if (ok || target <= 2) {
      if (!ok && ticks.size() > 2) ticks = {ticks.front(), ticks.back()};
      break;
    }
    target = std::max(2, target - 1);
  }
  return ticks;
}

// The y range grown so the tallest bar's value label fits above it.
Range withBarHeadroom(const Plot& plot, Range y, Scale scale, float areaH, float needPx) {
  // At most a third of the area: a small chart keeps its bars readable and
  // writes the tallest value on the bar instead.
  if (needPx > areaH / 3) needPx = needPx / 2;
  if (plot.y.max || needPx <= 0 || needPx > areaH / 3) return y;
  const double share = double(needPx) / areaH;  // of the area's height
  double top = -1e300;
  bool any = false;
  for (const Series& s : plot.series) {
    if (s.kind != SeriesKind::Bars || !s.valueLabels) continue;
    for (const Point& p : s.points) {
      double v = p.y + p.errHigh;
      if (!std::isfinite(v) || (scale != Scale::Linear && v <= 0)) continue;
      top = std::max(top, v);
      any = true;
    }
  }
  if (!any) return y;
  if (scale == Scale::Linear) {
    // (hi - top) / (hi - lo) >= share
    double hi = (top - share * y.lo) / (1 - share);
    if (hi > y.hi) y.hi = hi;
  } else {
    double l = std::log(y.lo), t = std::log(top);
    double h = (t - share * l) / (1 - share);
    if (h > std::log(y.hi)) y.hi = std::exp(h);
  }
  return y;
}

}  // namespace

const char* toString(TextRole role) {
  switch (role) {
    case TextRole::Title: return "title";
    case TextRole::Subtitle: return "subtitle";
    case TextRole::YLabel: return "y label";
    case TextRole::XLabel: return "x label";
    case TextRole::YTick: return "y tick";
    case TextRole::XTick: return "x tick";
    case TextRole::Legend: return "legend";
    case TextRole::Marker: return "marker";
    case TextRole::PointLabel: return "point label";
    case TextRole::CellLabel: return "cell label";
    case TextRole::BarLabel: return "bar label";
  }
  return "?";
}

float textWidth(const std::string& text, float fontPx, const TextWidthFn& measure, bool bold) {
  float longest = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    longest = std::max(longest, lineWidth(line, fontPx, measure, bold));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return longest;
}

std::vector<std::string> wrapText(const std::string& text, float maxPx, float fontPx, const TextWidthFn& measure,
                                  bool bold) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string hard = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::string cur;
    for (const std::string& piece : breakPieces(hard)) {
      std::string next = cur + piece;
      if (cur.empty() || lineWidth(trimRight(next), fontPx, measure, bold) <= maxPx) {
        cur = next;
      } else {
        out.push_back(trimRight(cur));
        cur = piece;
      }
      if (lineWidth(trimRight(cur), fontPx, measure, bold) > maxPx) {
        // One word alone is wider than the room: between characters.
        std::vector<std::string> parts = breakWord(cur, maxPx, fontPx, measure, bold);
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) out.push_back(trimRight(parts[i]));
        cur = parts.empty() ? std::string() : parts.back();
      }
    }
    out.push_back(trimRight(cur));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
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

std::vector<const TextItem*> Frame::textsOf(TextRole role) const {
  std::vector<const TextItem*> out;
  for (const TextItem& t : texts)
    if (t.role == role) out.push_back(&t);
  return out;
}

// [SECTION] layoutPlot

namespace {

// One complete layout with the legend beside (false) or below (true) the area.
Frame layoutWith(const Plot& plot, float width, float height, float fontPx, const TextWidthFn& measure,
                 bool legendBelow) {
  Frame f;
  f.width = std::max(width, 50.0f);
  f.height = std::max(height, 50.0f);
  f.fontPx = std::max(fontPx, 6.0f);
  const float F = f.fontPx;
  Ctx c{plot, f, measure, F, F * kLineEm, F * 0.6f, F * 0.4f};
  f.lineHeight = c.L;
  f.capPx = std::max(4.0f, F * 0.4f);
  f.pointRadius = std::max(2.5f, F * 0.22f);
  f.x = xRange(plot);
  const Range baseY = yRange(plot);
  f.y = baseY;
  f.xScale = plot.x.scale;
  f.yScale = plot.y.scale;
  f.xCategories = !plot.x.categories.empty() && plot.x.scale == Scale::Linear;
  f.legendBelow = legendBelow;
  const float W = f.width, H = f.height, pad = c.pad, gap = c.gap;
  const float textRoom = std::max(F, W - 2 * pad);

  // --- top: title, subtitle, the y axis label (horizontal, above the axis:
  // readable, and drawable by ImGui, which cannot rotate text).
  float top = pad;
  if (!plot.title.empty()) top = c.block(wrapText(plot.title, textRoom, F, measure, true), TextRole::Title, W / 2, top, Anchor::Middle, true) + gap * 0.5f;
  if (!plot.subtitle.empty()) top = c.block(wrapText(plot.subtitle, textRoom, F, measure), TextRole::Subtitle, W / 2, top, Anchor::Middle) + gap * 0.5f;
  if (!plot.y.label.empty()) top = c.block(wrapText(plot.y.label, textRoom, F, measure), TextRole::YLabel, pad, top + gap * 0.5f, Anchor::Start) + gap;
  else top += gap;
  // Room for the top y tick label, which is centred on the area's edge.
  const float areaTop = top + F * 0.55f;

  // --- legend plan
  LegendPlan legend = planLegend(c);
  const bool hasLegend = !legend.named.empty();
  const bool beside = hasLegend && !legendBelow;

  // --- bottom: legend rows (below), x label, x tick labels; iterate because
  // the tick labels' rows depend on the area's width and the left margin on
  // the y ticks, which depend on the area's height.
  std::vector<std::string> xLabelLines = plot.x.label.empty() ? std::vector<std::string>{}
                                                               : wrapText(plot.x.label, textRoom, F, measure);
  std::vector<int> rows;
  int legendRowCount = 0;
  if (hasLegend && legendBelow) {
    rows = legendRows(c, legend, pad, W - pad);
    legendRowCount = rows.empty() ? 0 : rows.back() + 1;
  }
  const float legendBelowH = legendRowCount ? gap + float(legendRowCount) * c.L + gap : 0;
  const float labelBlockH = xLabelLines.empty() ? 0 : c.blockHeight(xLabelLines.size()) + gap * 0.5f;

  CategoryLabels cats;
  int xTickLines = 1;
  float rightInset = 0;  // shrinks the area when the last x tick label would leave the canvas
  for (int pass = 0; pass < 5; ++pass) {
    float bottom = H - pad - legendBelowH - labelBlockH;
    const float tickBlock = c.blockHeight(std::size_t(xTickLines)) + F * 0.6f;
    f.area.y0 = areaTop;
    f.area.y1 = std::max(bottom - tickBlock, areaTop + 10);
    // Bars' values need room above the tallest bar.
    f.y = baseY;
    Range widestY = baseY;  // the most headroom any height would give
    if (std::any_of(plot.series.begin(), plot.series.end(),
                    [](const Series& s) { return s.kind == SeriesKind::Bars && s.valueLabels; })) {
      f.y = withBarHeadroom(plot, baseY, f.yScale, f.area.height(), c.L * 2 + gap);
      widestY = withBarHeadroom(plot, baseY, f.yScale, (c.L * 2 + gap) * 3, c.L * 2 + gap);
    }
    f.yTicks = yTicksFor(f, F);
    if (!plot.cells.empty() && !plot.y.categories.empty()) {  // a categorical map: a tick per category
      f.yTicks.clear();
      for (std::size_t i = 0; i < plot.y.categories.size(); ++i) f.yTicks.push_back({double(i), plot.y.categories[i]});
    }
    // The left margin fits the widest label of any tick set the axis could
    // get, so it does not change with the height: a taller canvas never
    // makes the area narrower.
    float yLabelW = 0;
    for (const Tick& t : f.yTicks) yLabelW = std::max(yLabelW, c.width(t.label));
    for (int target = 2; target <= 8; ++target)
      for (const Range& r : {f.y, widestY, Range{f.y.lo, std::max(f.y.hi, widestY.hi)}})
        for (const Tick& t : niceTicks(r.lo, r.hi, f.yScale, target)) yLabelW = std::max(yLabelW, c.width(t.label));
    f.area.x0 = pad + yLabelW + gap;
    float right = W - pad - rightInset;
    if (beside) right -= legend.columnW + gap * 2;
    f.area.x1 = std::max(right, f.area.x0 + 10);

    int lines = 1;
    float inset = 0;
    if (f.xCategories) {
      const double span = f.x.hi - f.x.lo;
      const float slot = span > 0 ? float(f.area.width() / span) : f.area.width();
      cats = categoryLabels(c, plot.x.categories, slot);
      lines = cats.totalLines();
      f.xTicks.clear();
      for (std::size_t i = 0; i < plot.x.categories.size(); ++i)
        if (double(i) >= f.x.lo && double(i) <= f.x.hi) f.xTicks.push_back({double(i), plot.x.categories[i]});
    } else {
      f.xTicks = xTicksFor(c);
      for (const Tick& t : f.xTicks) {
        const float x = f.px(t.value);
        if (std::isfinite(x)) inset = std::max(inset, x + c.width(t.label) / 2 - (W - 1));
      }
    }
    if (lines == xTickLines && inset <= 0.5f) break;
    xTickLines = lines;
    rightInset += std::max(0.0f, inset);
  }

  // --- x tick labels
  const float tickTop = f.area.y1 + F * 0.6f;
  if (f.xCategories) {
    for (const Tick& t : f.xTicks) {
      const std::size_t i = std::size_t(t.value);
      const float x = f.px(t.value);
      if (!std::isfinite(x) || i >= cats.lines.size()) continue;
      const float rowTop = cats.staggered && i % 2 ? tickTop + float(cats.rowsEven) * c.L : tickTop;
      c.block(cats.lines[i], TextRole::XTick, x, rowTop, Anchor::Middle);
    }
  } else {
    for (const Tick& t : f.xTicks) {
      const float x = f.px(t.value);
      if (std::isfinite(x)) c.block({t.label}, TextRole::XTick, x, tickTop, Anchor::Middle);
    }
  }
  float below = tickTop + c.blockHeight(std::size_t(xTickLines));
  // --- x axis label, centred under the area (kept on the canvas)
  if (!xLabelLines.empty()) {
    float widest = 0;
    for (const std::string& l : xLabelLines) widest = std::max(widest, c.width(l));
    const float cx = std::clamp((f.area.x0 + f.area.x1) / 2, pad + widest / 2, W - pad - widest / 2);
    below = c.block(xLabelLines, TextRole::XLabel, cx, below + gap * 0.5f, Anchor::Middle);
  }
  // --- y tick labels, right-aligned left of the area
  for (const Tick& t : f.yTicks) {
    const float y = f.py(t.value);
    if (std::isfinite(y)) f.texts.push_back(c.item(t.label, TextRole::YTick, f.area.x0 - gap, y + F * 0.3f, Anchor::End));
  }

  // --- legend
  if (hasLegend) {
    auto entry = [&](std::size_t i, float x, float baseline) {
      LegendEntry e;
      e.series = legend.named[i];
      e.text = legend.text[i];
      const float mid = baseline - F * 0.3f;
      e.swatch = {x, mid - F * 0.3f, x + legend.swatchW, mid + F * 0.3f};
      f.texts.push_back(c.item(e.text, TextRole::Legend, e.swatch.x1 + gap, baseline, Anchor::Start, false, e.series));
      f.legendEntries.push_back(e);
    };
    if (beside) {
      f.legend = {W - pad - rightInset - legend.columnW, f.area.y0, W - pad - rightInset,
                  f.area.y0 + gap + float(legend.named.size()) * c.L + gap * 0.5f};
      float baseline = f.legend.y0 + gap + kAscentEm * F;
      for (std::size_t i = 0; i < legend.named.size(); ++i, baseline += c.L) entry(i, f.legend.x0 + gap, baseline);
    } else {
      const float y0 = below + gap;
      f.legend = {pad - gap * 0.5f, y0, W - pad + gap * 0.5f, y0 + float(legendRowCount) * c.L + gap};
      float x = pad;
      int row = 0;
      float rightmost = pad;
      for (std::size_t i = 0; i < legend.named.size(); ++i) {
        if (rows[i] != row) {
          row = rows[i];
          x = pad;
        }
        const float baseline = y0 + gap * 0.5f + kAscentEm * F + float(row) * c.L;
        entry(i, x, baseline);
        x += legend.swatchW + gap + c.width(legend.text[i]) + F * 1.2f;
        rightmost = std::max(rightmost, f.texts.back().box.x1);
      }
      f.legend.x1 = std::min(f.legend.x1, rightmost + gap);
    }
  }

  f.bars = barSpans(plot);
  // --- cells of a categorical map, each label centred in its cell when its
  // lines fit whole, else its short label, else left to the hover read-out.
  for (std::size_t i = 0; i < plot.cells.size(); ++i) {
    const Cell& cell = plot.cells[i];
    const float x0 = f.px(double(cell.x) - 0.5), x1 = f.px(double(cell.x) + 0.5);
    const float y0 = f.py(double(cell.y) + 0.5), y1 = f.py(double(cell.y) - 0.5);
    if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(y0) || !std::isfinite(y1)) continue;
    CellBox box;
    box.rect = {x0, y0, x1, y1};
    box.cell = i;
    box.series = cell.series;
    f.cells.push_back(box);
    const float room = box.rect.width() - gap * 0.5f;  // a fifth of a line clear each side
    if (room < F) continue;
    std::vector<std::string> lines;
    // The label as given, then on one line (a wide, low cell), then the short label.
    std::string oneLine = cell.label;
    std::replace(oneLine.begin(), oneLine.end(), '\n', ' ');
    for (const std::string* label : {&cell.label, static_cast<const std::string*>(&oneLine), &cell.shortLabel}) {
      if (label->empty()) continue;
      lines = wrapText(*label, 1e9f, F, measure);  // its own lines, whole: "pac/ked", "1./25x" read as nonsense
      bool fits = c.blockHeight(lines.size()) <= box.rect.height() - gap * 0.5f;
      for (const std::string& l : lines) fits = fits && c.width(l) <= room;
      if (fits) break;
      lines.clear();
    }
    if (lines.empty()) continue;
    const float top = (y0 + y1) / 2 - c.blockHeight(lines.size()) / 2;
    const std::size_t first = f.texts.size();
    c.block(lines, TextRole::CellLabel, (x0 + x1) / 2, top, Anchor::Middle);
    for (std::size_t k = first; k < f.texts.size(); ++k) f.texts[k].index = i;
  }
  // Labels placed from here on keep clear of every text so far (tick
  // labels included: a point label may overhang the area).
  std::vector<Rect> taken;
  for (const TextItem& t : f.texts) taken.push_back(t.box);
  if (!f.legend.empty()) taken.push_back(f.legend);

  // --- bar values: above the bar (above its error bar), "value unit", else
  // the unit on a second line, else the value alone; left out where even
  // that is wider than the bar's share of its slot.
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const Series& series = plot.series[s];
    if (series.kind != SeriesKind::Bars || !series.valueLabels) continue;
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      const Point& p = series.points[i];
      const float x0 = f.px(f.bars[s][i].x0), x1 = f.px(f.bars[s][i].x1);
      const float topY = f.py(p.y + p.errHigh), valueY = f.py(p.y);
      if (!std::isfinite(x0) || !std::isfinite(x1) || !std::isfinite(valueY)) continue;
      // A bar alone at its x may use the gap beside it; bars side by side
      // share nothing but their own width.
      bool grouped = false;
      for (std::size_t o = 0; o < plot.series.size() && !grouped; ++o)
        if (o != s && plot.series[o].kind == SeriesKind::Bars)
          grouped = std::any_of(plot.series[o].points.begin(), plot.series[o].points.end(),
                                [&](const Point& q) { return q.x == p.x; });
      const float share = (x1 - x0) * (grouped ? 1.0f : 1.0f / 0.8f) * 0.95f;
      const std::string value = valueText(p.y);
      const std::string& unit = plot.y.unit;
      std::vector<std::vector<std::string>> options;
      if (!unit.empty()) options.push_back({value + " " + unit});
      if (!unit.empty()) options.push_back({value, unit});
      options.push_back({value});
      // The first option that fits the bar's width and the room above the
      // bar; where none has that room, the shortest that fits the width.
      const float barTop = (std::isfinite(topY) ? topY : valueY) - gap * 0.5f;
      std::size_t roomy = options.size(), shortest = options.size();
      for (std::size_t k = 0; k < options.size(); ++k) {
        float w = 0;
        for (const std::string& l : options[k]) w = std::max(w, c.width(l));
        if (w > share) continue;
        shortest = k;
        if (roomy == options.size() && barTop - c.blockHeight(options[k].size()) >= f.area.y0) roomy = k;
      }
      const std::size_t pick = roomy < options.size() ? roomy : shortest;
      if (pick == options.size()) continue;
      for (const auto& lines : {options[pick]}) {
        float w = 0;
        for (const std::string& l : lines) w = std::max(w, c.width(l));
        const float h = c.blockHeight(lines.size());
        float bottom = barTop;
        bottom = std::max(bottom, f.area.y0 + h + gap * 0.25f);
        const float cx = (x0 + x1) / 2;
        // Clear of the labels placed so far (a neighbour clamped to the top).
        float top = bottom - h;
        for (int k = 0; k < 4; ++k) {
          const Rect box{cx - w / 2, top, cx + w / 2, top + h};
          if (std::none_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(box, t); })) break;
          top += c.L;
        }
        c.block(lines, TextRole::BarLabel, cx, top, Anchor::Middle);
        for (std::size_t k = f.texts.size() - lines.size(); k < f.texts.size(); ++k) {
          f.texts[k].index = s;
          taken.push_back(f.texts[k].box);
        }
        break;
      }
    }
  }

  // --- marker labels: right of their line (left when no room), in the first
  // row from the top where they clear what is placed.
  std::vector<std::size_t> order(plot.markers.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return plot.markers[a].x < plot.markers[b].x; });
  for (std::size_t i : order) {
    const Marker& m = plot.markers[i];
    const float lx = f.px(m.x);
    if (!std::isfinite(lx) || lx < f.area.x0 - 0.5f || lx > f.area.x1 + 0.5f || m.label.empty()) continue;
    const float room = std::max(F, f.area.width() - gap);
    std::vector<std::string> lines = wrapText(m.label, room, F, measure);
    float w = 0;
    for (const std::string& l : lines) w = std::max(w, c.width(l));
    float x0 = lx + gap * 0.75f;
    if (x0 + w > f.area.x1) x0 = lx - gap * 0.75f - w;  // no room: left of the line
    x0 = std::clamp(x0, f.area.x0 + 1, std::max(f.area.x0 + 1, f.area.x1 - w - 1));
    const float h = c.blockHeight(lines.size());
    float y0 = f.area.y0 + gap * 0.5f;
    for (int k = 0; k < 40; ++k) {
      Rect box{x0, y0, x0 + w, y0 + h};
      if (std::none_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(box, t); })) break;
      y0 += c.L;
    }
    const std::size_t first = f.texts.size();
    c.block(lines, TextRole::Marker, x0, y0, Anchor::Start);
    for (std::size_t k = first; k < f.texts.size(); ++k) {
      f.texts[k].index = i;
      taken.push_back(f.texts[k].box);
    }
  }

  // --- point labels: beside the point, moved down / up a line at a time
  // until they clear the labels already placed; kept on the canvas.
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    if (plot.series[s].kind != SeriesKind::Points) continue;
    for (std::size_t i = 0; i < plot.series[s].points.size(); ++i) {
      const Point& p = plot.series[s].points[i];
      const float x = f.px(p.x), y = f.py(p.y);
      if (p.label.empty() || !std::isfinite(x) || !std::isfinite(y)) continue;
      const float w = c.width(p.label);
      const float off = f.pointRadius * 2.5f;
      const bool left = x + off + w > f.area.x1;
      float x0 = left ? x - off - w : x + off;
      x0 = std::clamp(x0, 0.0f, std::max(0.0f, W - w));
      const float base = y + F * 0.3f;
      Rect box;
      float baseline = base;
      for (int k = 0; k < 40; ++k) {
        // 0, +1, -1, +2, -2 ... lines from the point's height
        const float shift = float((k + 1) / 2) * (k % 2 ? 1.0f : -1.0f) * c.L;
        baseline = std::clamp(base + shift, kAscentEm * F, H - kDescentEm * F);
        box = {x0, baseline - kAscentEm * F, x0 + w, baseline + kDescentEm * F};
        if (std::none_of(taken.begin(), taken.end(), [&](const Rect& t) { return overlaps(box, t); })) break;
      }
      TextItem t = c.item(p.label, TextRole::PointLabel, x0, baseline, Anchor::Start, false, s);
      taken.push_back(t.box);
      f.texts.push_back(std::move(t));
    }
  }
  return f;
}

}  // namespace

Frame layoutPlot(const Plot& plot, float width, float height, float fontPx, const TextWidthFn& measure) {
  const bool anyNamed = std::any_of(plot.series.begin(), plot.series.end(), [](const Series& s) { return !s.name.empty(); });
  Frame beside = layoutWith(plot, width, height, fontPx, measure, false);
  if (!anyNamed) return beside;
  // Beside the area only while that leaves the area most of the width and
  // the legend fits its height; else in rows below.
  const float F = beside.fontPx;
  const float full = beside.width - 2 * F * 0.6f;
  const bool squeezed = beside.area.width() < std::max(kMinAreaWidthEm * F, full * 0.6f) ||
                        beside.legend.height() > beside.area.height() ||
                        beside.legend.width() > full * 0.35f;
  if (!squeezed) return beside;
  return layoutWith(plot, width, height, fontPx, measure, true);
}

// [SECTION] problems and minimum size

std::vector<std::string> layoutProblems(const Frame& f) {
  std::vector<std::string> problems;
  auto quote = [](const TextItem& t) { return std::string(toString(t.role)) + " '" + t.text + "'"; };
  const float tol = 0.5f;
  for (const TextItem& t : f.texts) {
    if (t.box.x0 < -tol || t.box.y0 < -tol || t.box.x1 > f.width + tol || t.box.y1 > f.height + tol) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " leaves the %gx%g canvas (box %.0f,%.0f..%.0f,%.0f)", double(f.width),
                    double(f.height), double(t.box.x0), double(t.box.y0), double(t.box.x1), double(t.box.y1));
      problems.push_back(quote(t) + buf);
    }
    if (t.fontPx + 1e-3f < f.fontPx) problems.push_back(quote(t) + " is drawn below the font size");
  }
  for (std::size_t i = 0; i < f.texts.size(); ++i)
    for (std::size_t j = i + 1; j < f.texts.size(); ++j)
      if (overlaps(f.texts[i].box, f.texts[j].box)) problems.push_back(quote(f.texts[i]) + " overlaps " + quote(f.texts[j]));
  if (!f.legend.empty())
    for (const TextItem& t : f.texts)
      if (t.role != TextRole::Legend && overlaps(t.box, f.legend)) problems.push_back(quote(t) + " overlaps the legend");
  if (!f.legend.empty() && !f.legendBelow && overlaps(f.legend, f.area)) problems.push_back("the legend overlaps the data area");
  if (f.area.width() < kMinAreaWidthEm * f.fontPx - tol || f.area.height() < kMinAreaHeightEm * f.fontPx - tol) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "data area %.0fx%.0f is below the minimum %.0fx%.0f", double(f.area.width()),
                  double(f.area.height()), double(kMinAreaWidthEm * f.fontPx), double(kMinAreaHeightEm * f.fontPx));
    problems.push_back(buf);
  }
  return problems;
}

Size minimumSize(const Plot& plot, float fontPx, const TextWidthFn& measure) {
  auto ok = [&](float w, float h) { return layoutProblems(layoutPlot(plot, w, h, fontPx, measure)).empty(); };
  const float tall = 8192, wide = 8192;
  // Width first, on a canvas tall enough for any wrapping.
  float lo = 50, hi = wide;
  if (!ok(hi, tall)) return {wide, tall};
  while (hi - lo > 1) {
    const float mid = std::floor((lo + hi) / 2);
    (ok(mid, tall) ? hi : lo) = mid;
  }
  const float w = hi;
  lo = 50;
  hi = tall;
  while (hi - lo > 1) {
    const float mid = std::floor((lo + hi) / 2);
    (ok(w, mid) ? hi : lo) = mid;
  }
  Size s{w, hi};
  // The search assumes more room never hurts; where it does (a legend that
  // moves beside the area), step up until the size itself is clean.
  for (int k = 0; k < 40 && !ok(s.width, s.height); ++k) {
    s.width = std::ceil(s.width * 1.03f);
    s.height = std::ceil(s.height * 1.03f);
  }
  return s;
}

float minimumHeight(const Plot& plot, float width, float fontPx, const TextWidthFn& measure) {
  auto ok = [&](float h) { return layoutProblems(layoutPlot(plot, width, h, fontPx, measure)).empty(); };
  if (!ok(8192)) return minimumSize(plot, fontPx, measure).height;
  float lo = 50, hi = 8192;
  while (hi - lo > 1) {
    const float mid = std::floor((lo + hi) / 2);
    (ok(mid) ? hi : lo) = mid;
  }
  for (int k = 0; k < 40 && !ok(hi); ++k) hi = std::ceil(hi * 1.03f);
  return hi;
}

}  // namespace cachescope::plot
