// The plot model: series, axes, legend, error bars, markers. Pure data, no
// drawing: three renderers read it, the ImGui draw-list renderer in src/app
// (with hover read-outs), the SVG writer and the cairo PNG/PDF renderer here.
// Every chart of the app and of `cachescope bench --plot` is a Plot; no view
// draws a one-off chart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cachescope::plot {

enum class Scale { Linear, Log2, Log10 };
enum class SeriesKind { Line, Points, Bars };

// 0xRRGGBBAA. Unset colours come from the palette in series order.
using Color = std::uint32_t;

struct Point {
  double x = 0, y = 0;
  double errLow = 0, errHigh = 0;  // error bar extents below / above y (0: none)
  std::string label;               // hover text / bar category ("" = none)
};

struct Series {
  std::string name;                // legend entry
  SeriesKind kind = SeriesKind::Line;
  std::vector<Point> points;
  std::optional<Color> color;
  bool dashed = false;             // e.g. the ideal-speedup line
  bool dots = true;                // Line series: a dot at each point (not when dashed)
  bool valueLabels = true;         // Bars series: each bar's value above it
};

// A vertical line at x with a label, e.g. where a tile's working set crosses
// the L1 capacity.
struct Marker {
  double x = 0;
  std::string label;
  std::optional<Color> color;
};

struct Axis {
  std::string label;               // "n", "GFLOP/s"
  Scale scale = Scale::Linear;
  std::optional<double> min, max;  // unset: from the data (with padding)
  // For bar charts: category names at x = 0, 1, 2, ... (ticks use these).
  std::vector<std::string> categories;
  bool integer = false;            // ticks only at whole numbers (threads)
  // y axis: the unit written after each bar's value ("148 GFLOP/s"); "" none.
  std::string unit;
};

// A cell of a categorical map (the who-wins map): at x category `x` and y
// category `y` (both axes then have categories), filled with the colour of
// series `series`, which the legend names (give those series no points);
// `label` is written inside when it fits, else `shortLabel` (a narrow cell
// at large text: the lead alone, the colour naming the winner), else
// nothing; `hover` is the read-out.
struct Cell {
  std::size_t x = 0, y = 0;
  std::size_t series = 0;
  std::string label;
  std::string shortLabel;
  std::string hover;
};

struct Plot {
  std::string title;               // wraps onto more lines when wider than the canvas
  std::string subtitle;            // e.g. host and parameters
  Axis x, y;
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::vector<Cell> cells;         // a categorical map; empty for charts
};

struct Tick {
  double value = 0;
  std::string label;
};

// "Nice" tick positions (1, 2, 5 x 10^k steps; powers of the base on log
// axes) covering [lo, hi], about `target` of them.
std::vector<Tick> niceTicks(double lo, double hi, Scale scale, int target = 6);

// The data range an axis shows: explicit min/max, else the data's extent
// padded a little (bars and linear y axes include 0).
struct Range {
  double lo = 0, hi = 1;
};
Range xRange(const Plot& plot);
Range yRange(const Plot& plot);

// Maps a data value into [0, 1] along an axis range with its scale.
double normalize(double value, Range range, Scale scale);

// The default palette (colour-blind friendly), indexed by series order.
Color paletteColor(std::size_t index);

// Font size in pixels of plot files (SVG here, PNG and PDF in cairo_render):
// one value, so the three formats lay a plot out alike.
inline constexpr float kFileFontPx = 15;

// SVG document of the plot, width x height pixels. Files go through
// exportPlot() (export.hpp), which picks the format from the file name.
std::string toSvg(const Plot& plot, int width = 960, int height = 540);
// Several plots stacked top to bottom in one document, plot i heights[i]
// tall (one plot: the same bytes as toSvg of it).
std::string toSvg(const std::vector<Plot>& plots, int width, const std::vector<int>& heights);

// The plotted data as CSV: series,x,y,err_low,err_high,label.
std::string toCsv(const Plot& plot);

}  // namespace cachescope::plot
