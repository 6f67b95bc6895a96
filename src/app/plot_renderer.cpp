// [SECTION] themes
// [SECTION] hover read-outs
// [SECTION] drawing (follows the recipe in plot/layout.hpp, as svg.cpp does)
// [SECTION] the ImGui item
#include "app/plot_renderer.hpp"

#include "app/layout_record.hpp"
#include "plot/layout.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

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

// One placed line of text (plot::TextItem): drawn at its box's top-left
// corner and recorded for the scripted layout check. The title gets a faux
// bold (drawn twice, 1 px apart): the app loads one face.
void text(ImDrawList* dl, ImVec2 o, const plot::TextItem& t, ImU32 col) {
  ImFont* font = ImGui::GetFont();
  const ImVec2 at{o.x + t.box.x0, o.y + t.pos.y - t.fontPx * 0.8f};
  dl->AddText(font, t.fontPx, at, col, t.text.c_str());
  if (t.bold) dl->AddText(font, t.fontPx, {at.x + 1, at.y}, col, t.text.c_str());
  layout::recordText(t.text, {o.x + t.box.x0, o.y + t.box.y0}, {o.x + t.box.x1, o.y + t.box.y1});
}

// [SECTION] hover read-outs

struct Nearest {
  double dist2 = std::numeric_limits<double>::max();
  ImVec2 at{};
  std::string text;
};

Nearest findNearest(const plot::Plot& p, const plot::Frame& f, ImVec2 o, ImVec2 mouse) {
  Nearest best;
  for (const plot::CellBox& b : f.cells)  // a categorical map: the cell under the mouse
    if (b.rect.contains(mouse.x - o.x, mouse.y - o.y)) {
      best.dist2 = 0;
      best.at = {o.x + (b.rect.x0 + b.rect.x1) / 2, o.y + b.rect.y0};
      best.text = p.cells[b.cell].hover;
      return best;
    }
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
  const plot::Frame f = plot::layoutPlot(p, p1.x - p0.x, p1.y - p0.y, fs, imguiTextWidth());
  const ImVec2 o = p0;
  auto at = [&](float x, float y) { return ImVec2{o.x + x, o.y + y}; };
  const plot::Rect& a = f.area;

  if (th.fill) dl->AddRectFilled(p0, p1, th.background, fs * 0.25f);
  dl->PushClipRect(p0, p1, true);

  if (!a.empty()) {
    for (const plot::Tick& t : f.yTicks) {
      const float y = f.py(t.value);
      if (finite(y)) dl->AddLine(at(a.x0, y), at(a.x1, y), th.grid, 1.0f);
    }
    for (const plot::Tick& t : f.xTicks) {
      const float x = f.px(t.value);
      if (finite(x) && !f.xCategories) dl->AddLine(at(x, a.y0), at(x, a.y1), th.grid, 1.0f);
    }

    // Series, clipped to the data area.
    dl->PushClipRect(at(a.x0, a.y0), at(a.x1 + 1, a.y1 + 1), true);
    const float thick = std::max(2.0f, fs * 0.13f);
    for (const plot::CellBox& b : f.cells) {  // a categorical map: filled cells, white seams
      dl->AddRectFilled(at(b.rect.x0, b.rect.y0), at(b.rect.x1, b.rect.y1), seriesColor(p, b.series));
      dl->AddRect(at(b.rect.x0, b.rect.y0), at(b.rect.x1, b.rect.y1), IM_COL32(255, 255, 255, 255), 0.0f, 0, 2.0f);
    }
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

    // Markers: where something changes along x (a cache's capacity).
    for (std::size_t i = 0; i < p.markers.size(); ++i) {
      const plot::Marker& m = p.markers[i];
      const float x = f.px(m.x);
      if (!finite(x) || x < a.x0 || x > a.x1) continue;
      const ImU32 col = m.color ? toImColor(*m.color) : th.axis;
      dashedLine(dl, at(x, a.y0), at(x, a.y1), col, 2.0f, fs * 0.3f);
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
      }
    }

    // Every text the layout placed, last: nothing is drawn over it.
    for (const plot::TextItem& t : f.texts) {
      ImU32 col = th.text;
      if (t.role == plot::TextRole::Subtitle || t.role == plot::TextRole::XTick || t.role == plot::TextRole::YTick)
        col = th.textDim;
      if (t.role == plot::TextRole::Marker && t.index < p.markers.size())
        col = p.markers[t.index].color ? toImColor(*p.markers[t.index].color) : th.axis;
      if (t.role == plot::TextRole::CellLabel) col = IM_COL32(25, 25, 25, 255);  // on a light cell in either theme
      text(dl, o, t, col);
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

plot::TextWidthFn imguiTextWidth() {
  return [](const std::string& line, float px, bool bold) {
    return ImGui::GetFont()->CalcTextSizeA(px, FLT_MAX, 0, line.c_str()).x + (bold ? 1.0f : 0.0f);
  };
}

ImVec2 plotMinimumSize(const plot::Plot& plot, float width) {
  // A minimum is some forty layouts: remembered per plot text, font size and width.
  static std::unordered_map<std::string, ImVec2> cache;
  const float fs = ImGui::GetFontSize();
  std::string key = std::to_string(fs) + '\x1f' + std::to_string(int(width)) + '\x1f' + plot.title + '\x1f' + plot.subtitle + '\x1f' + plot.x.label + '\x1f' +
                    plot.y.label + '\x1f' + plot.y.unit + '\x1f' + std::to_string(int(plot.y.scale)) + '\x1f' +
                    std::to_string(int(plot.x.scale));
  for (const std::string& c : plot.x.categories) key += '\x1e' + c;
  for (const plot::Marker& m : plot.markers) key += '\x1d' + m.label;
  key += plot::toCsv(plot);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const plot::Size s = plot::minimumSize(plot, fs, imguiTextWidth());
  const float h = width > s.width ? plot::minimumHeight(plot, std::floor(width), fs, imguiTextWidth()) : s.height;
  if (cache.size() > 256) cache.clear();
  return cache[key] = ImVec2{std::ceil(s.width), std::ceil(h)};
}

void drawPlot(const plot::Plot& plot, const char* id, ImVec2 size, const PlotTheme& theme) {
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  // Never below the plot's minimum: the view scrolls instead.
  const ImVec2 min = plotMinimumSize(plot, size.x);
  size.x = std::max(size.x, min.x);
  size.y = std::max(size.y, min.y);
  layout::recordPlot(plot.title, p0, {p0.x + size.x, p0.y + size.y}, min.x, min.y);
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
