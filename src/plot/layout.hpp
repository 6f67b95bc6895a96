// Where everything of a Plot goes on a canvas: the one layout the three
// renderers share (ImGui in src/app, SVG here, cairo PNG/PDF), so the file and
// the app's plot are the same picture.
//
// Text: every piece of text the layout places is one line in Frame::texts,
// with its role, its font size, its anchor and its measured box. A renderer
// draws exactly those (colour by role) and nothing else, so what
// layoutProblems() checks is what is on screen. Rules the layout keeps:
//   - no text below the font size it is given: tick labels, legend, markers,
//     bar values are all fontPx (the title is fontPx too, bold in files);
//   - nothing is cut: a title, subtitle or axis label wider than the canvas
//     wraps onto more lines (at spaces, else between characters);
//   - the legend goes beside the data area when it fits without squeezing
//     it, else below it in wrapping rows; a name is shortened ("...") only
//     when that one name is wider than the canvas;
//   - category labels wrap at spaces and dots within their slot, else
//     alternate between two rows (twice the room), else break between
//     characters: neighbours never overlap;
//   - bars carry their value (and the y axis' unit) above them; the y range
//     grows to make room for the tallest one's.
// minimumSize() is the smallest canvas without layout problems; a view gives
// a plot at least that much room (and scrolls rather than squeezing).
//
// How a renderer uses it (the SVG writer in svg.cpp is the reference):
//   Frame f = layoutPlot(plot, width, height, fontPx, measure);
//   - pixels: origin top-left, y grows downward. Add the canvas origin.
//   - grid lines at f.xTicks / f.yTicks (f.px(t.value), f.py(t.value)); their
//     labels are texts.
//   - series in order, clipped to f.area. Bars: f.bars[s][i] gives the bar's
//     x extent in data units; a bar goes from f.barBase() to y. Error bars: a
//     vertical line from y - errLow to y + errHigh with caps f.capPx wide.
//     Lines draw their points as dots (unless dashed or !dots).
//   - markers: a dashed vertical line across the area at f.px(m.x).
//   - cells (a categorical map): f.cells, each rect filled with its series'
//     colour, a thin white border between cells.
//   - legend: f.legend is its box (empty when no series has a name); entry i
//     has a swatch at f.legendEntries[i].swatch; its name is a text.
//   - then every f.texts entry: pos is the baseline anchor (Start: left end,
//     Middle: centre, End: right end). ImGui's AddText takes the top-left
//     corner: box.x0, pos.y - 0.8 x fontPx.
//   - hover read-outs: f.dataX(mouseX), f.dataY(mouseY) invert the mapping.
// Values that a log axis cannot show (<= 0) map to NaN: skip them.
// Text widths: by default estimated (0.55 em per character for DejaVu Sans /
// the SVG sans-serif). A renderer that knows its font (ImGui's, cairo's)
// passes its own TextWidthFn, so boxes are the widths it will draw.
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

struct Size {
  float width = 0, height = 0;
};

enum class TextRole { Title, Subtitle, YLabel, XLabel, YTick, XTick, Legend, Marker, PointLabel, BarLabel, CellLabel };
enum class Anchor { Start, Middle, End };

const char* toString(TextRole role);

// One line of text as placed.
struct TextItem {
  std::string text;
  TextRole role = TextRole::Title;
  Vec2 pos;                  // baseline anchor
  Anchor anchor = Anchor::Start;
  float fontPx = 14;
  bool bold = false;         // the title (files draw it bold)
  Rect box;                  // [left, right] x [baseline - 0.8 em, baseline + 0.25 em]
  std::size_t index = 0;     // Legend: series; Marker: marker; PointLabel / BarLabel: series
};

struct LegendEntry {
  std::size_t series = 0;  // index into Plot::series
  std::string text;        // the name as shown (shortened only when wider than the canvas)
  Rect swatch;             // a line sample for Line series, a box for bars/points
};

// A cell of a categorical map as placed (Plot::cells[cell]); its label, when
// it fits, is a CellLabel text (dark ink: cells are light tints).
struct CellBox {
  Rect rect;
  std::size_t cell = 0;
  std::size_t series = 0;
};

struct BarSpan {
  double x0 = 0, x1 = 0;   // data units along x
};

struct Frame {
  float width = 0, height = 0, fontPx = 14;
  float lineHeight = 0;      // baseline to baseline of wrapped lines
  Rect area;                 // the data area
  Range x, y;
  Scale xScale = Scale::Linear, yScale = Scale::Linear;
  std::vector<Tick> xTicks, yTicks;
  bool xCategories = false;  // x ticks are category names (bar chart)
  bool legendBelow = false;  // the legend is in rows under the data area

  Rect legend;
  std::vector<LegendEntry> legendEntries;
  std::vector<TextItem> texts;  // every text, in drawing order

  std::vector<std::vector<BarSpan>> bars;  // [series][point]; empty for non-bar series
  std::vector<CellBox> cells;              // a categorical map's cells (draw them filled, under the texts)
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
  // The texts of one role, in order.
  std::vector<const TextItem*> textsOf(TextRole role) const;
};

// Width in pixels of one line of text (no '\n') at a font size in pixels;
// `bold`: the title's face.
using TextWidthFn = std::function<float(const std::string& line, float fontPx, bool bold)>;

// Width of `text` (its longest line) at `fontPx`: measured by `measure`, or
// estimated when it is empty.
float textWidth(const std::string& text, float fontPx, const TextWidthFn& measure = {}, bool bold = false);

// `text` broken into lines no wider than maxPx: at '\n', then after spaces,
// dots, commas and slashes, and between characters (whole UTF-8 code points)
// only where one word alone is wider.
std::vector<std::string> wrapText(const std::string& text, float maxPx, float fontPx, const TextWidthFn& measure = {},
                                  bool bold = false);

Frame layoutPlot(const Plot& plot, float width, float height, float fontPx = 14, const TextWidthFn& measure = {});

// The smallest data area a layout accepts, in multiples of the font size.
inline constexpr float kMinAreaWidthEm = 8, kMinAreaHeightEm = 5;

// What is wrong with a frame, one line each: text over other text (or over
// the legend box), text leaving the canvas, a data area below the minimum.
// Empty: nothing overlaps, nothing is cut.
std::vector<std::string> layoutProblems(const Frame& frame);

// The smallest canvas at which layoutPlot() has no layoutProblems() (searched
// in whole pixels, width first at a tall canvas, then height).
Size minimumSize(const Plot& plot, float fontPx = 14, const TextWidthFn& measure = {});
// The smallest height without problems at a given width (at least the
// minimum width): a view that has that width asks for this height.
float minimumHeight(const Plot& plot, float width, float fontPx = 14, const TextWidthFn& measure = {});

}  // namespace cachescope::plot
