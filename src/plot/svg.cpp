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

// Multi-line text: one <tspan> per line, each a line height lower.
void text(std::ostream& os, float x, float y, const std::string& s, float fontPx, const char* anchor,
          const char* fill, const char* extra = "", float lineHeight = 0) {
  os << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" font-size=\"" << num(fontPx) << "\" text-anchor=\""
     << anchor << "\" fill=\"" << fill << "\"" << extra << ">";
  std::size_t start = 0;
  bool first = true;
  while (true) {
    std::size_t nl = s.find('\n', start);
    std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (first && nl == std::string::npos) {
      os << escape(line);
    } else {
      os << "<tspan x=\"" << num(x) << "\"" << (first ? "" : " dy=\"" + num(lineHeight) + "\"") << ">" << escape(line)
         << "</tspan>";
    }
    first = false;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  os << "</text>\n";
}

bool finite(float a) { return std::isfinite(a); }

}  // namespace

std::string toSvg(const Plot& plot, int width, int height) {
  const Frame f = layoutPlot(plot, float(width), float(height), kFileFontPx);
  const Rect& a = f.area;
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << num(f.width) << "\" height=\""
     << num(f.height) << "\" viewBox=\"0 0 " << num(f.width) << ' ' << num(f.height) << "\" font-family=\"" << kFont
     << "\">\n";
  os << "<title>" << escape(plot.title.empty() ? "cachescope plot" : plot.title) << "</title>\n";
  os << "<defs><clipPath id=\"area\"><rect x=\"" << num(a.x0) << "\" y=\"" << num(a.y0) << "\" width=\""
     << num(a.width()) << "\" height=\"" << num(a.height()) << "\"/></clipPath></defs>\n";
  os << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";

  if (f.titleY > 0) text(os, f.width / 2, f.titleY, plot.title, f.fontPx, "middle", kInk, " font-weight=\"bold\"");
  if (f.subtitleY > 0) text(os, f.width / 2, f.subtitleY, plot.subtitle, f.smallFontPx, "middle", kMuted);

  // Grid and tick labels.
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
  for (const Tick& t : f.yTicks) {
    float y = f.py(t.value);
    if (finite(y)) text(os, f.yTickLabelX, y + f.smallFontPx * 0.35f, t.label, f.smallFontPx, "end", kMuted);
  }
  for (const Tick& t : f.xTicks) {
    float x = f.px(t.value);
    if (finite(x)) text(os, x, f.xTickLabelY, t.label, f.smallFontPx, "middle", kMuted, "", f.lineHeight);
  }
  if (!plot.x.label.empty()) text(os, f.xLabelPos.x, f.xLabelPos.y, plot.x.label, f.fontPx, "middle", kInk);
  if (!plot.y.label.empty()) text(os, f.yLabelPos.x, f.yLabelPos.y, plot.y.label, f.fontPx, "start", kInk);

  // Series, clipped to the data area.
  os << "<g clip-path=\"url(#area)\">\n";
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

  // Labels of Points series beside their point (unclipped: they may overhang
  // the area a little).
  for (const PointLabel& l : f.barLabels) text(os, l.pos.x, l.pos.y, l.text, f.smallFontPx, "middle", kInk);
  for (const PointLabel& l : f.pointLabels)
    text(os, l.pos.x, l.pos.y, l.text, f.smallFontPx, l.alignRight ? "end" : "start", kInk);

  // Markers.
  for (std::size_t i = 0; i < plot.markers.size(); ++i) {
    const Marker& m = plot.markers[i];
    float x = f.px(m.x);
    if (!finite(x) || x < a.x0 || x > a.x1) continue;
    const Color c = m.color ? *m.color : 0x666666FF;
    os << "<line x1=\"" << num(x) << "\" y1=\"" << num(a.y0) << "\" x2=\"" << num(x) << "\" y2=\"" << num(a.y1)
       << "\" stroke=\"" << rgb(c) << "\" stroke-opacity=\"" << opacity(c) << "\" stroke-width=\"1.5\" stroke-dasharray=\"4 4\"/>\n";
    const MarkerLabel& l = f.markerLabels[i];
    text(os, l.pos.x, l.pos.y, l.text, f.smallFontPx, "start", rgb(c).c_str());
  }

  // Axes frame on top of the data.
  os << "<rect x=\"" << num(a.x0) << "\" y=\"" << num(a.y0) << "\" width=\"" << num(a.width()) << "\" height=\""
     << num(a.height()) << "\" fill=\"none\" stroke=\"" << kInk << "\" stroke-width=\"1\"/>\n";

  // Legend.
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
      text(os, e.textPos.x, e.textPos.y, e.text, f.smallFontPx, "start", kInk);
    }
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace cachescope::plot
