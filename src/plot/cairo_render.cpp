#include "plot/cairo_render.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>

#include <cairo-pdf.h>
#include <cairo.h>

namespace cachescope::plot {

namespace {

// The SVG writer's palette (svg.cpp), as 0xRRGGBBAA.
constexpr Color kInk = 0x222222FF;    // text, axes
constexpr Color kMuted = 0x555555FF;  // subtitle, tick labels
constexpr Color kGrid = 0xE3E3E3FF;
constexpr Color kWhite = 0xFFFFFFFF;
constexpr Color kLegendEdge = 0xCCCCCCFF;
constexpr Color kMarkerDefault = 0x666666FF;

bool finite(float v) { return std::isfinite(v); }

void setColor(cairo_t* cr, Color c) {
  cairo_set_source_rgba(cr, double((c >> 24) & 0xFF) / 255, double((c >> 16) & 0xFF) / 255,
                        double((c >> 8) & 0xFF) / 255, double(c & 0xFF) / 255);
}

Color seriesColor(const Plot& plot, std::size_t s) {
  return plot.series[s].color ? *plot.series[s].color : paletteColor(s);
}

void setFont(cairo_t* cr, float fontPx, bool bold = false) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, fontPx);
}

float advance(cairo_t* cr, const std::string& line) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, line.c_str(), &e);
  return float(e.x_advance);
}

// One placed line of text (layout.hpp's TextItem) at its baseline anchor.
void text(cairo_t* cr, const TextItem& t, Color color) {
  setFont(cr, t.fontPx, t.bold);
  setColor(cr, color);
  const float w = t.anchor == Anchor::Start ? 0 : advance(cr, t.text);
  cairo_move_to(cr, t.pos.x - (t.anchor == Anchor::Middle ? w / 2 : t.anchor == Anchor::End ? w : 0), t.pos.y);
  cairo_show_text(cr, t.text.c_str());
  cairo_new_path(cr);
}

Color textColor(const Plot& plot, const TextItem& t) {
  switch (t.role) {
    case TextRole::Subtitle:
    case TextRole::XTick:
    case TextRole::YTick: return kMuted;
    case TextRole::Marker:
      return t.index < plot.markers.size() && plot.markers[t.index].color ? *plot.markers[t.index].color : kMarkerDefault;
    default: return kInk;
  }
}

// A 1-unit line on a pixel boundary covers two half-lit pixel rows; moved
// to the pixel's centre it is one crisp row in the PNG (and 0.5 px off in
// the PDF, which nobody sees).
double crisp(float v) { return std::floor(v) + 0.5; }

void line(cairo_t* cr, double x0, double y0, double x1, double y1) {
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
}

void dash(cairo_t* cr, double on, double off) {
  const double pattern[2] = {on, off};
  cairo_set_dash(cr, pattern, 2, 0);
}

void circle(cairo_t* cr, double x, double y, double r, Color fill, bool whiteEdge) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, r, 0, 2 * std::numbers::pi);
  setColor(cr, fill);
  if (whiteEdge) {
    cairo_fill_preserve(cr);
    setColor(cr, kWhite);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
  } else {
    cairo_fill(cr);
  }
}

void drawSeries(cairo_t* cr, const Plot& plot, const Frame& f, std::size_t s) {
  const Series& series = plot.series[s];
  const Color c = seriesColor(plot, s);
  const Rect& a = f.area;
  if (series.kind == SeriesKind::Bars) {
    const float base = f.py(f.barBase());
    setColor(cr, c);
    for (std::size_t i = 0; i < series.points.size(); ++i) {
      const Point& p = series.points[i];
      float x0 = f.px(f.bars[s][i].x0), x1 = f.px(f.bars[s][i].x1), y = f.py(p.y);
      if (!finite(x0) || !finite(x1) || !finite(y) || !finite(base)) continue;
      cairo_rectangle(cr, x0, std::min(y, base), x1 - x0, std::fabs(base - y));
    }
    cairo_fill(cr);
  } else if (series.kind == SeriesKind::Line) {
    bool pen = false, any = false;
    for (const Point& p : series.points) {
      float x = f.px(p.x), y = f.py(p.y);
      if (!finite(x) || !finite(y)) {
        pen = false;  // a gap where the axis cannot show the value
        continue;
      }
      if (pen) cairo_line_to(cr, x, y);
      else cairo_move_to(cr, x, y);
      pen = any = true;
    }
    if (any) {
      setColor(cr, c);
      cairo_set_line_width(cr, series.dashed ? 2 : 2.5);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      if (series.dashed) dash(cr, 8, 6);
      cairo_stroke(cr);
      cairo_set_dash(cr, nullptr, 0, 0);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    }
  }
  // Error bars (any kind), then dots for points and solid lines.
  cairo_set_line_width(cr, 1.5);
  setColor(cr, series.kind == SeriesKind::Bars ? kInk : c);
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    const Point& p = series.points[i];
    if (p.errLow <= 0 && p.errHigh <= 0) continue;
    float x = series.kind == SeriesKind::Bars ? f.px((f.bars[s][i].x0 + f.bars[s][i].x1) / 2) : f.px(p.x);
    float y0 = f.py(p.y - p.errLow), y1 = f.py(p.y + p.errHigh);
    if (!finite(y0)) y0 = a.y1;  // the low end went below a log axis
    if (!finite(x) || !finite(y1)) continue;
    line(cr, x, y0, x, y1);
    line(cr, x - f.capPx / 2, y0, x + f.capPx / 2, y0);
    line(cr, x - f.capPx / 2, y1, x + f.capPx / 2, y1);
  }
  cairo_stroke(cr);
  if (series.kind == SeriesKind::Points || (series.kind == SeriesKind::Line && series.dots && !series.dashed)) {
    float r = series.kind == SeriesKind::Points ? f.pointRadius * 1.6f : f.pointRadius;
    for (const Point& p : series.points) {
      float x = f.px(p.x), y = f.py(p.y);
      if (finite(x) && finite(y)) circle(cr, x, y, r, c, true);
    }
  }
}

void drawLegend(cairo_t* cr, const Plot& plot, const Frame& f) {
  if (f.legendEntries.empty()) return;
  const Rect& l = f.legend;
  cairo_rectangle(cr, crisp(l.x0), crisp(l.y0), std::round(l.width()), std::round(l.height()));
  setColor(cr, kWhite);
  cairo_fill_preserve(cr);
  setColor(cr, kLegendEdge);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  for (const LegendEntry& e : f.legendEntries) {
    const Series& series = plot.series[e.series];
    const Color c = seriesColor(plot, e.series);
    const Rect& w = e.swatch;
    const float mid = (w.y0 + w.y1) / 2;
    if (series.kind == SeriesKind::Line) {
      line(cr, w.x0, mid, w.x1, mid);
      setColor(cr, c);
      cairo_set_line_width(cr, 2.5);
      if (series.dashed) dash(cr, 6, 4);
      cairo_stroke(cr);
      cairo_set_dash(cr, nullptr, 0, 0);
    } else if (series.kind == SeriesKind::Points) {
      circle(cr, (w.x0 + w.x1) / 2, mid, f.pointRadius * 1.6f, c, false);
    } else {
      cairo_rectangle(cr, w.x0, w.y0, w.width(), w.height());
      setColor(cr, c);
      cairo_fill(cr);
    }
  }
}

void applyFontOptions(cairo_t* cr) {
  std::unique_ptr<cairo_font_options_t, void (*)(cairo_font_options_t*)> options(cairo_font_options_create(),
                                                                                 cairo_font_options_destroy);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, options.get());
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + cairo_status_to_string(status));
}

cairo_status_t appendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

using Surface = std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)>;
using Context = std::unique_ptr<cairo_t, void (*)(cairo_t*)>;

// Plot i in the band of heights[i] below the ones before it.
void drawOn(cairo_surface_t* surface, const std::vector<Plot>& plots, int width, const std::vector<int>& heights,
            const char* what) {
  check(cairo_surface_status(surface), what);
  Context cr(cairo_create(surface), cairo_destroy);
  double y = 0;
  for (std::size_t i = 0; i < plots.size() && i < heights.size(); ++i) {
    cairo_save(cr.get());
    cairo_translate(cr.get(), 0, y);
    drawPlot(cr.get(), plots[i], cairoLayout(plots[i], float(width), float(heights[i])));
    cairo_restore(cr.get());
    y += heights[i];
  }
  check(cairo_status(cr.get()), what);
}

int total(const std::vector<int>& heights) {
  int t = 0;
  for (int h : heights) t += h;
  return std::max(t, 1);
}

}  // namespace

TextWidthFn cairoTextWidth() {
  // One private context, shared by the copies of the function.
  auto cr = std::make_shared<Context>(nullptr, cairo_destroy);
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1), cairo_surface_destroy);
  cr->reset(cairo_create(surface.get()));  // the context keeps its surface alive
  applyFontOptions(cr->get());
  return [cr](const std::string& line, float px, bool bold) {
    setFont(cr->get(), px, bold);
    return advance(cr->get(), line);
  };
}

Frame cairoLayout(const Plot& plot, float width, float height, float fontPx) {
  return layoutPlot(plot, width, height, fontPx, cairoTextWidth());
}

void drawPlot(cairo_t* cr, const Plot& plot, const Frame& f) {
  cairo_save(cr);
  applyFontOptions(cr);
  const Rect& a = f.area;

  setColor(cr, kWhite);
  cairo_rectangle(cr, 0, 0, f.width, f.height);
  cairo_fill(cr);

  // Grid and tick labels.
  setColor(cr, kGrid);
  cairo_set_line_width(cr, 1);
  for (const Tick& t : f.yTicks) {
    float y = f.py(t.value);
    if (finite(y)) line(cr, a.x0, crisp(y), a.x1, crisp(y));
  }
  if (!f.xCategories)
    for (const Tick& t : f.xTicks) {
      float x = f.px(t.value);
      if (finite(x)) line(cr, crisp(x), a.y0, crisp(x), a.y1);
    }
  cairo_stroke(cr);

  // Series, clipped to the data area.
  cairo_save(cr);
  cairo_rectangle(cr, a.x0, a.y0, a.width(), a.height());
  cairo_clip(cr);
  for (const CellBox& b : f.cells) {  // a categorical map: filled cells, white seams
    cairo_rectangle(cr, b.rect.x0, b.rect.y0, b.rect.width(), b.rect.height());
    setColor(cr, seriesColor(plot, b.series));
    cairo_fill_preserve(cr);
    setColor(cr, kWhite);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
  }
  for (std::size_t s = 0; s < plot.series.size(); ++s) drawSeries(cr, plot, f, s);
  cairo_restore(cr);

  // Markers.
  for (std::size_t i = 0; i < plot.markers.size(); ++i) {
    const Marker& m = plot.markers[i];
    float x = f.px(m.x);
    if (!finite(x) || x < a.x0 || x > a.x1) continue;
    const Color c = m.color ? *m.color : kMarkerDefault;
    line(cr, x, a.y0, x, a.y1);
    setColor(cr, c);
    cairo_set_line_width(cr, 1.5);
    dash(cr, 4, 4);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
  }

  // Axes frame on top of the data.
  cairo_rectangle(cr, crisp(a.x0), crisp(a.y0), std::round(a.width()), std::round(a.height()));
  setColor(cr, kInk);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);

  drawLegend(cr, plot, f);
  // Every text the layout placed, last: nothing is drawn over it.
  for (const TextItem& t : f.texts) text(cr, t, textColor(plot, t));
  cairo_restore(cr);
}

std::string renderPng(const Plot& plot, int width, int height) { return renderPng(std::vector<Plot>{plot}, width, {height}); }

std::string renderPdf(const Plot& plot, int width, int height) { return renderPdf(std::vector<Plot>{plot}, width, {height}); }

std::string renderPng(const std::vector<Plot>& plots, int width, const std::vector<int>& heights) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, total(heights)), cairo_surface_destroy);
  drawOn(surface.get(), plots, width, heights, "PNG rendering");
  std::string bytes;
  check(cairo_surface_write_to_png_stream(surface.get(), appendBytes, &bytes), "PNG encoding");
  return bytes;
}

std::string renderPdf(const std::vector<Plot>& plots, int width, const std::vector<int>& heights) {
  std::string bytes;
  // One PDF point per layout pixel: the page is width x height pt.
  Surface surface(cairo_pdf_surface_create_for_stream(appendBytes, &bytes, width, total(heights)), cairo_surface_destroy);
  check(cairo_surface_status(surface.get()), "PDF rendering");
  // cairo stamps the current time as /CreationDate; an empty date leaves the
  // entry out, so the file is a function of the plot alone (the app's export
  // and `--plot` of the same data are the same bytes; tests check it).
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "cachescope");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
  drawOn(surface.get(), plots, width, heights, "PDF rendering");
  cairo_surface_finish(surface.get());  // writes the document into `bytes`
  check(cairo_surface_status(surface.get()), "PDF rendering");
  return bytes;
}

}  // namespace cachescope::plot
