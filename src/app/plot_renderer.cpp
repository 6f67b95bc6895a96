// [SECTION] themes
// [SECTION] hover read-outs
// [SECTION] drawing (follows the recipe in plot/layout.hpp, as svg.cpp does)
// [SECTION] the ImGui item
#include "app/plot_renderer.hpp"

#include "plot/layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace cachescope::app {

// [SECTION] themes

PlotTheme darkPlotTheme() {
  return {IM_COL32(28, 30, 36, 255),    IM_COL32(90, 95, 110, 255), IM_COL32(60, 64, 76, 255),
          IM_COL32(170, 175, 190, 255), IM_COL32(235, 238, 245, 255), IM_COL32(170, 175, 190, 255),
          IM_COL32(40, 43, 52, 230)};
}

PlotTheme lightPlotTheme() {
  return {IM_COL32(255, 255, 255, 255), IM_COL32(150, 150, 160, 255), IM_COL32(222, 224, 230, 255),
          IM_COL32(60, 60, 70, 255),    IM_COL32(20, 20, 25, 255),    IM_COL32(80, 82, 90, 255),
          IM_COL32(255, 255, 255, 235)};
}

namespace {

bool finite(float v) { return std::isfinite(v); }

std::string fmt(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) std::snprintf(buf, sizeof buf, "%.3g", v);
  else std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

ImU32 seriesColor(const plot::Plot& p, std::size_t s) {
  return toImColor(p.series[s].color ? *p.series[s].color : plot::paletteColor(s));
}

void dashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thick, float dash) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-3f) return;
  for (float t = 0; t < len; t += 2 * dash) {
    const float t1 = std::min(len, t + dash);
    dl->AddLine({a.x + dx * t / len, a.y + dy * t / len}, {a.x + dx * t1 / len, a.y + dy * t1 / len}, col, thick);
  }
}

// Draws text given its baseline (the layout's convention) in one of three
// alignments; multi-line text goes down one line height per line.
enum class Align { Left, Centre, Right };
void text(ImDrawList* dl, ImVec2 o, float x, float baseline, const std::string& s, float px, ImU32 col,
          Align align = Align::Left, float lineHeight = 0) {
  ImFont* font = ImGui::GetFont();
  std::size_t start = 0;
  float y = baseline;
  for (;;) {
    const std::size_t nl = s.find('\n', start);
    const std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    const float w = font->CalcTextSizeA(px, 1e9f, 0, line.c_str()).x;
    const float lx = align == Align::Left ? x : align == Align::Centre ? x - w / 2 : x - w;
    dl->AddText(font, px, {o.x + lx, o.y + y - px * 0.8f}, col, line.c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
    y += lineHeight > 0 ? lineHeight : px * 1.2f;
  }
}

// [SECTION] hover read-outs

struct Nearest {
  double dist2 = std::numeric_limits<double>::max();
  ImVec2 at{};
  std::string text;
};

Nearest findNearest(const plot::Plot& p, const plot::Frame& f, ImVec2 o, ImVec2 mouse) {
  Nearest best;
  const float reach = f.fontPx * 2;
  for (std::size_t s = 0; s < p.series.size(); ++s) {
    const plot::Series& series = p.series[s];
    const bool bar = series.kind == plot::SeriesKind::Bars;
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      const plot::Point& pt = series.points[i];
      float x = bar ? f.px((f.bars[s][i].x0 + f.bars[s][i].x1) / 2) : f.px(pt.x);
      float y = f.py(pt.y);
      if (!finite(x) || !finite(y)) continue;
      x += o.x;
      y += o.y;
      double d2;
      if (bar) {
        // Anywhere over the bar's column counts.
        const float x0 = o.x + f.px(f.bars[s][i].x0), x1 = o.x + f.px(f.bars[s][i].x1);
        if (mouse.x < x0 || mouse.x > x1) continue;
        d2 = 0;
      } else {
        d2 = double(mouse.x - x) * (mouse.x - x) + double(mouse.y - y) * (mouse.y - y);
        if (d2 > reach * reach) continue;
      }
      if (d2 >= best.dist2) continue;
      best.dist2 = d2;
      best.at = {x, y};
      std::string t = series.name.empty() ? "" : series.name + "\n";
      if (!pt.label.empty()) t += pt.label + "\n";
      const std::size_t ci = std::size_t(std::lround(pt.x));
      if (f.xCategories && ci < p.x.categories.size()) {
        if (pt.label.empty()) t += p.x.categories[ci] + "\n";
      } else {
        t += (p.x.label.empty() ? "x" : p.x.label) + " = " + fmt(pt.x) + "\n";
      }
      t += (p.y.label.empty() ? "y" : p.y.label) + " = " + fmt(pt.y);
      if (pt.errLow > 0 || pt.errHigh > 0)
        t += "\nrange " + fmt(pt.y - pt.errLow) + " .. " + fmt(pt.y + pt.errHigh);
      best.text = t;
    }
  }
  return best;
}

}  // namespace

// [SECTION] drawing (follows the recipe in plot/layout.hpp, as svg.cpp does)

void renderPlot(ImDrawList* dl, const plot::Plot& p, ImVec2 p0, ImVec2 p1, const PlotTheme& th, const ImVec2* mouse,
                std::string* hover) {
  const float fs = ImGui::GetFontSize();
  const plot::Frame f = plot::layoutPlot(p, p1.x - p0.x, p1.y - p0.y, fs);
  const ImVec2 o = p0;
  auto at = [&](float x, float y) { return ImVec2{o.x + x, o.y + y}; };
  const plot::Rect& a = f.area;
  const float sm = f.smallFontPx;

  if (th.fill) dl->AddRectFilled(p0, p1, th.background, fs * 0.25f);
  dl->PushClipRect(p0, p1, true);

  // Titles shrink to fit a narrow plot rather than run off both sides.
  auto fitted = [&](const std::string& t, float px) {
    const float w = ImGui::GetFont()->CalcTextSizeA(px, 1e9f, 0, t.c_str()).x;
    return w > f.width * 0.96f ? std::max(px * 0.6f, px * f.width * 0.96f / w) : px;
  };
  if (f.titleY > 0) text(dl, o, f.width / 2, f.titleY, p.title, fitted(p.title, f.fontPx), th.text, Align::Centre);
  if (f.subtitleY > 0)
    text(dl, o, f.width / 2, f.subtitleY, p.subtitle, fitted(p.subtitle, sm), th.textDim, Align::Centre);

  if (!a.empty()) {
    for (const plot::Tick& t : f.yTicks) {
      const float y = f.py(t.value);
      if (!finite(y)) continue;
      dl->AddLine(at(a.x0, y), at(a.x1, y), th.grid, 1.0f);
      text(dl, o, f.yTickLabelX, y + sm * 0.35f, t.label, sm, th.textDim, Align::Right);
    }
    for (const plot::Tick& t : f.xTicks) {
      const float x = f.px(t.value);
      if (!finite(x)) continue;
      if (!f.xCategories) dl->AddLine(at(x, a.y0), at(x, a.y1), th.grid, 1.0f);
      text(dl, o, x, f.xTickLabelY, t.label, sm, th.textDim, Align::Centre, f.lineHeight);
    }
    if (!p.x.label.empty()) text(dl, o, f.xLabelPos.x, f.xLabelPos.y, p.x.label, f.fontPx, th.text, Align::Centre);
    if (!p.y.label.empty()) text(dl, o, f.yLabelPos.x, f.yLabelPos.y, p.y.label, f.fontPx, th.text);

    // Series, clipped to the data area.
    dl->PushClipRect(at(a.x0, a.y0), at(a.x1 + 1, a.y1 + 1), true);
    const float thick = std::max(2.0f, fs * 0.13f);
    for (std::size_t s = 0; s < p.series.size(); ++s) {
      const plot::Series& series = p.series[s];
      const ImU32 col = seriesColor(p, s);
      if (series.kind == plot::SeriesKind::Bars) {
        const float base = f.py(f.barBase());
        for (std::size_t i = 0; i < series.points.size(); ++i) {
          const float x0 = f.px(f.bars[s][i].x0), x1 = f.px(f.bars[s][i].x1), y = f.py(series.points[i].y);
          if (!finite(x0) || !finite(x1) || !finite(y) || !finite(base)) continue;
          dl->AddRectFilled(at(x0, std::min(y, base)), at(x1, std::max(y, base)), col);
        }
      } else if (series.kind == plot::SeriesKind::Line) {
        std::vector<ImVec2> run;
        auto flush = [&] {
          if (run.size() >= 2) {
            if (series.dashed)
              for (std::size_t i = 1; i < run.size(); ++i) dashedLine(dl, run[i - 1], run[i], col, thick * 0.85f, fs * 0.45f);
            else
              dl->AddPolyline(run.data(), int(run.size()), col, ImDrawFlags_None, thick);
          }
          run.clear();
        };
        for (const plot::Point& pt : series.points) {
          const float x = f.px(pt.x), y = f.py(pt.y);
          if (!finite(x) || !finite(y)) {
            flush();  // a gap where the axis cannot show the value
            continue;
          }
          run.push_back(at(x, y));
        }
        flush();
      }
      const ImU32 errCol = series.kind == plot::SeriesKind::Bars ? th.text : col;
      for (std::size_t i = 0; i < series.points.size(); ++i) {
        const plot::Point& pt = series.points[i];
        if (pt.errLow <= 0 && pt.errHigh <= 0) continue;
        const float x = series.kind == plot::SeriesKind::Bars ? f.px((f.bars[s][i].x0 + f.bars[s][i].x1) / 2) : f.px(pt.x);
        float y0 = f.py(pt.y - pt.errLow);
        const float y1 = f.py(pt.y + pt.errHigh);
        if (!finite(y0)) y0 = a.y1;
        if (!finite(x) || !finite(y1)) continue;
        const float cap = std::max(f.capPx, fs * 0.6f) / 2;
        dl->AddLine(at(x, y0), at(x, y1), errCol, 2.0f);
        dl->AddLine(at(x - cap, y0), at(x + cap, y0), errCol, 2.0f);
        dl->AddLine(at(x - cap, y1), at(x + cap, y1), errCol, 2.0f);
      }
      if (series.kind == plot::SeriesKind::Points ||
          (series.kind == plot::SeriesKind::Line && series.dots && !series.dashed)) {
        const float r = (series.kind == plot::SeriesKind::Points ? 1.6f : 1.0f) * std::max(f.pointRadius, fs * 0.22f);
        for (const plot::Point& pt : series.points) {
          const float x = f.px(pt.x), y = f.py(pt.y);
          if (!finite(x) || !finite(y)) continue;
          dl->AddCircleFilled(at(x, y), r, col);
          dl->AddCircle(at(x, y), r, th.background, 0, 1.0f);
        }
      }
    }
    dl->PopClipRect();

    // Labels of Points series beside their point (the roofline's kernels).
    for (std::size_t s = 0; s < p.series.size(); ++s) {
      const plot::Series& series = p.series[s];
      if (series.kind != plot::SeriesKind::Points) continue;
      const float r = std::max(f.pointRadius, fs * 0.22f);
      for (const plot::Point& pt : series.points) {
        const float x = f.px(pt.x), y = f.py(pt.y);
        if (pt.label.empty() || !finite(x) || !finite(y)) continue;
        const bool left = x + plot::textWidth(pt.label, sm) + r * 3 > a.x1;
        text(dl, o, left ? x - r * 2.5f : x + r * 2.5f, y - r * 1.5f, pt.label, sm, th.text,
             left ? Align::Right : Align::Left);
      }
    }

    // Markers: where something changes along x (a cache's capacity).
    for (std::size_t i = 0; i < p.markers.size() && i < f.markerLabels.size(); ++i) {
      const plot::Marker& m = p.markers[i];
      const float x = f.px(m.x);
      if (!finite(x) || x < a.x0 || x > a.x1) continue;
      const ImU32 col = m.color ? toImColor(*m.color) : th.axis;
      dashedLine(dl, at(x, a.y0), at(x, a.y1), col, 2.0f, fs * 0.3f);
      const plot::MarkerLabel& l = f.markerLabels[i];
      text(dl, o, l.pos.x, l.pos.y, l.text, sm, col);
    }

    dl->AddRect(at(a.x0, a.y0), at(a.x1, a.y1), th.axis, 0, 0, 1.0f);

    // Legend.
    if (!f.legendEntries.empty()) {
      const plot::Rect& l = f.legend;
      dl->AddRectFilled(at(l.x0, l.y0), at(l.x1, l.y1), th.legendBg, fs * 0.15f);
      dl->AddRect(at(l.x0, l.y0), at(l.x1, l.y1), th.frame, fs * 0.15f);
      for (const plot::LegendEntry& e : f.legendEntries) {
        const plot::Series& series = p.series[e.series];
        const ImU32 col = seriesColor(p, e.series);
        const plot::Rect& w = e.swatch;
        const float mid = (w.y0 + w.y1) / 2;
        if (series.kind == plot::SeriesKind::Line) {
          if (series.dashed) dashedLine(dl, at(w.x0, mid), at(w.x1, mid), col, 2.5f, fs * 0.25f);
          else dl->AddLine(at(w.x0, mid), at(w.x1, mid), col, 3.0f);
        } else if (series.kind == plot::SeriesKind::Points) {
          dl->AddCircleFilled(at((w.x0 + w.x1) / 2, mid), std::max(f.pointRadius, fs * 0.22f) * 1.6f, col);
        } else {
          dl->AddRectFilled(at(w.x0, w.y0), at(w.x1, w.y1), col);
        }
        text(dl, o, e.textPos.x, e.textPos.y, e.text, sm, th.text);
      }
    }

    if (mouse && a.contains(mouse->x - o.x, mouse->y - o.y)) {
      Nearest n = findNearest(p, f, o, *mouse);
      if (!n.text.empty()) {
        dl->AddCircle(n.at, fs * 0.45f, th.text, 0, 2.0f);
        if (hover) *hover = n.text;
      } else if (hover && !f.xCategories) {
        *hover = (p.x.label.empty() ? "x" : p.x.label) + " = " + fmt(f.dataX(mouse->x - o.x)) + "\n" +
                 (p.y.label.empty() ? "y" : p.y.label) + " = " + fmt(f.dataY(mouse->y - o.y));
      }
    }
  }
  dl->PopClipRect();
}

// [SECTION] the ImGui item

void drawPlot(const plot::Plot& plot, const char* id, ImVec2 size, const PlotTheme& theme) {
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  size.x = std::max(size.x, 50.0f);
  size.y = std::max(size.y, 50.0f);
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  std::string hover;
  renderPlot(ImGui::GetWindowDrawList(), plot, p0, {p0.x + size.x, p0.y + size.y}, theme, hovered ? &mouse : nullptr,
             &hover);
  if (hovered && !hover.empty()) ImGui::SetTooltip("%s", hover.c_str());
  ImGui::PopID();
}

}  // namespace cachescope::app
