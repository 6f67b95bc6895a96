// Where everything of a Plot goes on a canvas: the one layout both renderers
// share, so the SVG file and the app's ImGui plot are the same picture.
//
// How a renderer uses it (the SVG writer in svg.cpp is the reference):
//   Frame f = layoutPlot(plot, width, height, fontPx);
//   - pixels: origin top-left, y grows downward (ImGui's and SVG's convention).
//     Add the canvas origin (ImGui: GetCursorScreenPos()) to every coordinate.
//   - title / subtitle: centred at (width/2, f.titleY / f.subtitleY), baselines.
//   - plot area f.area: grid lines at f.xTicks / f.yTicks (f.px(t.value),
//     f.py(t.value)), tick labels below / left of the area (f.xTickLabelY is the
//     baseline of the first line; category labels may contain '\n'; y labels
//     are right-aligned at f.yTickLabelX), the x axis label centred at
//     f.xLabelPos, the y axis label horizontally above the axis, starting at
//     f.yLabelPos (baseline) = f.yLabelTopLeft (top of the text).
//   - series in order; clip to f.area. Bars: f.bars[s][i] gives the bar's x
//     extent in data units (grouped side by side when several bar series share
//     a category); the bar goes from f.barBase() to y. Error bars: a vertical
//     line from y - errLow to y + errHigh with caps f.capPx wide. Lines draw
//     their points as dots (unless dashed or !dots); the labels of Points
//     series' points go at f.pointLabels (the roofline's kernel names).
//     Bar values: f.barLabels, centred at pos (text-anchor middle).
//   - markers: a dashed vertical line across the area at f.px(m.x); its label
//     at f.markerLabels[i] (staggered rows so neighbours do not overlap).
//   - legend: f.legend is its box (empty when no series has a name); entry i
//     has a swatch at f.legendEntries[i].swatch and text at .textPos.
//   - hover read-outs: f.dataX(mouseX), f.dataY(mouseY) invert the mapping.
// Text positions are baselines (SVG's convention); ImGui's AddText takes the
// top-left corner: y - 0.8 x the font size. Centred / right-aligned text:
// subtract textWidth() / 2 or textWidth().
// Values that a log axis cannot show (<= 0) map to NaN: skip them.
// Text widths: by default estimated (0.55 em per character for DejaVu Sans /
// the SVG sans-serif), since the SVG's viewer picks its own font and ImGui's
// font is not known to core code. A renderer that knows its font (the cairo
// PNG/PDF writer) passes its own TextWidthFn, so the margins, the legend box
// and label placement are computed with the widths it will actually draw.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "plot/plot.hpp"

namespace cachescope::plot {

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  bool contains(float x, float y) const { return x >= x0 && x <= x1 && y >= y0 && y <= y1; }
};

struct Vec2 {
  float x = 0, y = 0;
};

struct LegendEntry {
  std::size_t series = 0;  // index into Plot::series
  std::string text;        // the name, shortened to fit
  Rect swatch;             // a line sample for Line series, a box for bars/points
  Vec2 textPos;            // left end of the text's baseline
};

struct BarSpan {
  double x0 = 0, x1 = 0;   // data units along x
};

// A Points series' point label, nudged up or down so labels of points that
// coincide (same kernel intensity) do not overprint each other.
struct PointLabel {
  std::size_t series = 0, point = 0;
  Vec2 pos;                // baseline anchor
  bool alignRight = false; // text ends at pos.x (no room right of the point)
  std::string text;
};

struct MarkerLabel {
  Vec2 pos;                // left end of the baseline
  std::string text;
};

struct Frame {
  float width = 0, height = 0, fontPx = 14;
  float smallFontPx = 12;  // tick labels, legend, marker labels
  Rect area;               // the data area
  Range x, y;
  Scale xScale = Scale::Linear, yScale = Scale::Linear;
  std::vector<Tick> xTicks, yTicks;
  bool xCategories = false;  // x ticks are category names (bar chart)

  float titleY = 0, subtitleY = 0;  // baselines (0: no title / subtitle)
  float xTickLabelY = 0;            // baseline of the first line of x tick labels
  float yTickLabelX = 0;            // right end of y tick labels
  Vec2 xLabelPos;                   // centre of the x axis label's baseline
  Vec2 yLabelPos;                   // left end of the y axis label's baseline (above the axis)
  Vec2 yLabelTopLeft;               // the same label's top-left corner (ImGui AddText)
  float lineHeight = 0;             // of small text

  Rect legend;
  std::vector<LegendEntry> legendEntries;

  std::vector<std::vector<BarSpan>> bars;  // [series][point]; empty for non-bar series
  std::vector<MarkerLabel> markerLabels;   // one per Plot::markers entry
  std::vector<PointLabel> pointLabels;     // labels of Points series' points
  // The value of each bar, centred above it (above its error bar); only when
  // the bars are wide enough for the text. alignRight is unused here.
  std::vector<PointLabel> barLabels;
  float capPx = 6;                         // error bar cap width
  float pointRadius = 3;

  // Data -> pixels; NaN for values the axis cannot show.
  float px(double v) const { return float(area.x0 + normalize(v, x, xScale) * area.width()); }
  float py(double v) const { return float(area.y1 - normalize(v, y, yScale) * area.height()); }
  // Pixels -> data (hover read-outs).
  double dataX(float pixel) const;
  double dataY(float pixel) const;
  // Where bars start: 0 on a linear axis that shows it, else the bottom edge.
  double barBase() const;
};

// Width in pixels of one line of text (no '\n') at a font size in pixels.
using TextWidthFn = std::function<float(const std::string& line, float fontPx)>;

// Width of `text` (its longest line) at `fontPx`: measured by `measure`, or
// estimated when it is empty.
float textWidth(const std::string& text, float fontPx, const TextWidthFn& measure = {});

Frame layoutPlot(const Plot& plot, float width, float height, float fontPx = 14, const TextWidthFn& measure = {});

}  // namespace cachescope::plot
