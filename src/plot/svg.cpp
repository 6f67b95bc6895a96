// The SVG renderer: draws a Frame from layoutPlot() (see layout.hpp for the
// drawing recipe the ImGui renderer follows too). Output is a standalone SVG
// 1.1 document, light theme, all text XML-escaped.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "plot/layout.hpp"
#include "plot/plot.hpp"

namespace cachescope::plot {

namespace {

constexpr const char* kInk = "#222222";       // text, axes
constexpr const char* kMuted = "#555555";     // subtitle, tick labels
constexpr const char* kGrid = "#e3e3e3";
constexpr const char* kFont = "DejaVu Sans, Verdana, Arial, sans-serif";

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string rgb(Color c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%06x", unsigned(c >> 8));
  return buf;
}

std::string opacity(Color c) { return num((c & 0xFF) / 255.0); }

Color seriesColor(const Plot& plot, std::size_t s) {
  return plot.series[s].color ? *plot.series[s].color : paletteColor(s);
}

// One placed line of text (layout.hpp's TextItem), coloured by its role.
void text(std::ostream& os, const Plot& plot, const TextItem& t) {
  const char* anchor = t.anchor == Anchor::Start ? "start" : t.anchor == Anchor::Middle ? "middle" : "end";
  std::string fill = kInk;
  if (t.role == TextRole::Subtitle || t.role == TextRole::XTick || t.role == TextRole::YTick) fill = kMuted;
  if (t.role == TextRole::Marker && t.index < plot.markers.size())
    fill = rgb(plot.markers[t.index].color ? *plot.markers[t.index].color : 0x666666FF);
  os << "<text x=\"" << num(t.pos.x) << "\" y=\"" << num(t.pos.y) << "\" font-size=\"" << num(t.fontPx)
     << "\" text-anchor=\"" << anchor << "\" fill=\"" << fill << "\"" << (t.bold ? " font-weight=\"bold\"" : "") << ">"
     << escape(t.text) << "</text>\n";
}

bool finite(float a) { return std::isfinite(a); }

// The plot's elements (no document around them); `id` makes the clip path's
// name unique when several plots share a document.
void svgBody(std::ostream& os, const Plot& plot, const Frame& f, const std::string& id) {
  const Rect& a = f.area;
  os << "<defs><clipPath id=\"" << id << "\"><rect x=\"" << num(a.x0) << "\" y=\"" << num(a.y0) << "\" width=\""
     << num(a.width()) << "\" height=\"" << num(a.height()) << "\"/></clipPath></defs>\n";
  os << "<rect width=\"" << num(f.width) << "\" height=\"" << num(f.height) << "\" fill=\"#ffffff\"/>\n";

  // Grid.
  os << "<g stroke=\"" << kGrid << "\" stroke-width=\"1\">\n";
  for (const Tick& t : f.yTicks) {
    float y = f.py(t.value);
    if (finite(y)) os << "<line x1=\"" << num(a.x0) << "\" y1=\"" << num(y) << "\" x2=\"" << num(a.x1) << "\" y2=\"" << num(y) << "\"/>\n";
  }
  if (!f.xCategories)
    for (const Tick& t : f.xTicks) {
      float x = f.px(t.value);
      if (finite(x)) os << "<line x1=\"" << num(x) << "\" y1=\"" << num(a.y0) << "\" x2=\"" << num(x) << "\" y2=\"" << num(a.y1) << "\"/>\n";
    }
  os << "</g>\n";

  // Series, clipped to the data area (a categorical map's cells first).
  os << "<g clip-path=\"url(#" << id << ")\">\n";
  for (const CellBox& b : f.cells) {
    const Color c = seriesColor(plot, b.series);
    os << "<rect class=\"cell\" x=\"" << num(b.rect.x0) << "\" y=\"" << num(b.rect.y0) << "\" width=\""
       << num(b.rect.width()) << "\" height=\"" << num(b.rect.height()) << "\" fill=\"" << rgb(c)
       << "\" stroke=\"#ffffff\" stroke-width=\"2\"><title>" << escape(plot.cells[b.cell].hover) << "</title></rect>\n";
  }
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const Series& series = plot.series[s];
    const Color c = seriesColor(plot, s);
    const std::string stroke = rgb(c), alpha = opacity(c);
    os << "<g class=\"series\" data-name=\"" << escape(series.name) << "\">\n";
    if (series.kind == SeriesKind::Bars) {
      const float base = f.py(f.barBase());
      for (std::size_t i = 0; i < series.points.size(); ++i) {
        const Point& p = series.points[i];
        float x0 = f.px(f.bars[s][i].x0), x1 = f.px(f.bars[s][i].x1), y = f.py(p.y);
        if (!finite(x0) || !finite(x1) || !finite(y) || !finite(base)) continue;
        os << "<rect x=\"" << num(x0) << "\" y=\"" << num(std::min(y, base)) << "\" width=\"" << num(x1 - x0)
           << "\" height=\"" << num(std::fabs(base - y)) << "\" fill=\"" << stroke << "\" fill-opacity=\"" << alpha
           << "\"><title>" << escape(p.label.empty() ? series.name : p.label) << "</title></rect>\n";
      }
    } else if (series.kind == SeriesKind::Line) {
      std::string d;
      bool pen = false;
      for (const Point& p : series.points) {
        float x = f.px(p.x), y = f.py(p.y);
        if (!finite(x) || !finite(y)) {
          pen = false;  // a gap where the axis cannot show the value
          continue;
        }
        d += (pen ? " L" : (d.empty() ? "M" : " M")) + num(x) + ' ' + num(y);
        pen = true;
      }
      if (!d.empty())
        os << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << stroke << "\" stroke-opacity=\"" << alpha
           << "\" stroke-width=\"" << num(series.dashed ? 2 : 2.5) << "\" stroke-linejoin=\"round\""
           << (series.dashed ? " stroke-dasharray=\"8 6\"" : "") << "/>\n";
    }
    // Error bars (any kind), then dots for points and solid lines.
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      const Point& p = series.points[i];
      if (p.errLow <= 0 && p.errHigh <= 0) continue;
      float x = series.kind == SeriesKind::Bars ? f.px((f.bars[s][i].x0 + f.bars[s][i].x1) / 2) : f.px(p.x);
      float y0 = f.py(p.y - p.errLow), y1 = f.py(p.y + p.errHigh);
      if (!finite(y0)) y0 = a.y1;  // the low end went below a log axis
      if (!finite(x) || !finite(y1)) continue;
      os << "<path d=\"M" << num(x) << ' ' << num(y0) << " V" << num(y1) << " M" << num(x - f.capPx / 2) << ' '
         << num(y0) << " h" << num(f.capPx) << " M" << num(x - f.capPx / 2) << ' ' << num(y1) << " h" << num(f.capPx)
         << "\" stroke=\"" << (series.kind == SeriesKind::Bars ? kInk : stroke) << "\" stroke-width=\"1.5\" fill=\"none\"/>\n";
    }
    if (series.kind == SeriesKind::Points || (series.kind == SeriesKind::Line && series.dots && !series.dashed)) {
      float r = series.kind == SeriesKind::Points ? f.pointRadius * 1.6f : f.pointRadius;
      for (const Point& p : series.points) {
        float x = f.px(p.x), y = f.py(p.y);
        if (!finite(x) || !finite(y)) continue;
        os << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"" << num(r) << "\" fill=\"" << stroke
           << "\" fill-opacity=\"" << alpha << "\" stroke=\"#ffffff\" stroke-width=\"1\"><title>"
           << escape((p.label.empty() ? series.name : p.label)) << "</title></circle>\n";
      }
    }
    os << "</g>\n";
  }
  os << "</g>\n";

  // Marker lines (their labels are texts).
  for (std::size_t i = 0; i < plot.markers.size(); ++i) {
    const Marker& m = plot.markers[i];
    float x = f.px(m.x);
    if (!finite(x) || x < a.x0 || x > a.x1) continue;
    const Color c = m.color ? *m.color : 0x666666FF;
    os << "<line x1=\"" << num(x) << "\" y1=\"" << num(a.y0) << "\" x2=\"" << num(x) << "\" y2=\"" << num(a.y1)
       << "\" stroke=\"" << rgb(c) << "\" stroke-opacity=\"" << opacity(c) << "\" stroke-width=\"1.5\" stroke-dasharray=\"4 4\"/>\n";
  }

  // Axes frame on top of the data.
  os << "<rect x=\"" << num(a.x0) << "\" y=\"" << num(a.y0) << "\" width=\"" << num(a.width()) << "\" height=\""
     << num(a.height()) << "\" fill=\"none\" stroke=\"" << kInk << "\" stroke-width=\"1\"/>\n";

  // Legend box and swatches (the names are texts).
  if (!f.legendEntries.empty()) {
    const Rect& l = f.legend;
    os << "<rect x=\"" << num(l.x0) << "\" y=\"" << num(l.y0) << "\" width=\"" << num(l.width()) << "\" height=\""
       << num(l.height()) << "\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n";
    for (const LegendEntry& e : f.legendEntries) {
      const Series& series = plot.series[e.series];
      const Color c = seriesColor(plot, e.series);
      const Rect& w = e.swatch;
      float mid = (w.y0 + w.y1) / 2;
      if (series.kind == SeriesKind::Line) {
        os << "<line x1=\"" << num(w.x0) << "\" y1=\"" << num(mid) << "\" x2=\"" << num(w.x1) << "\" y2=\"" << num(mid)
           << "\" stroke=\"" << rgb(c) << "\" stroke-width=\"2.5\"" << (series.dashed ? " stroke-dasharray=\"6 4\"" : "")
           << "/>\n";
      } else if (series.kind == SeriesKind::Points) {
        os << "<circle cx=\"" << num((w.x0 + w.x1) / 2) << "\" cy=\"" << num(mid) << "\" r=\"" << num(f.pointRadius * 1.6f)
           << "\" fill=\"" << rgb(c) << "\"/>\n";
      } else {
        os << "<rect x=\"" << num(w.x0) << "\" y=\"" << num(w.y0) << "\" width=\"" << num(w.width()) << "\" height=\""
           << num(w.height()) << "\" fill=\"" << rgb(c) << "\"/>\n";
      }
    }
  }

  // Every text the layout placed, last: nothing is drawn over it.
  for (const TextItem& t : f.texts) text(os, plot, t);
}

std::string openSvg(float width, float height, const std::string& title) {
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << num(width) << "\" height=\""
     << num(height) << "\" viewBox=\"0 0 " << num(width) << ' ' << num(height) << "\" font-family=\"" << kFont
     << "\">\n";
  os << "<title>" << escape(title.empty() ? "cachescope plot" : title) << "</title>\n";
  return os.str();
}

}  // namespace

std::string toSvg(const Plot& plot, int width, int height) {
  const Frame f = layoutPlot(plot, float(width), float(height), kFileFontPx);
  std::ostringstream os;
  os << openSvg(f.width, f.height, plot.title);
  svgBody(os, plot, f, "area");
  os << "</svg>\n";
  return os.str();
}

std::string toSvg(const std::vector<Plot>& plots, int width, const std::vector<int>& heights) {
  if (plots.size() == 1 && heights.size() == 1) return toSvg(plots[0], width, heights[0]);
  int total = 0;
  for (std::size_t i = 0; i < plots.size() && i < heights.size(); ++i) total += heights[i];
  std::ostringstream os;
  os << openSvg(float(width), float(std::max(total, 1)), plots.empty() ? "" : plots[0].title);
  int y = 0;
  for (std::size_t i = 0; i < plots.size() && i < heights.size(); ++i) {
    const Frame f = layoutPlot(plots[i], float(width), float(heights[i]), kFileFontPx);
    os << "<svg x=\"0\" y=\"" << y << "\" width=\"" << num(f.width) << "\" height=\"" << num(f.height) << "\">\n";
    svgBody(os, plots[i], f, "area" + std::to_string(i));
    os << "</svg>\n";
    y += heights[i];
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace cachescope::plot
