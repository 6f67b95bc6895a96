#include "plot/export.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "plot/cairo_render.hpp"
#include "plot/layout.hpp"

namespace cachescope::plot {

FileFormat formatForPath(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  std::string ext;
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (ext == ".svg") return FileFormat::Svg;
  if (ext == ".png") return FileFormat::Png;
  if (ext == ".pdf") return FileFormat::Pdf;
  throw PlotFormatError("'" + path + "': use a file name ending in .svg, .png or .pdf");
}

std::string renderPlot(const Plot& plot, FileFormat format, int width, int height) {
  if (width < 16 || height < 16 || width > 8192 || height > 8192)
    throw std::invalid_argument("plot size must be 16..8192 pixels per side (got " + std::to_string(width) + "x" +
                                std::to_string(height) + ")");
  switch (format) {
    case FileFormat::Png: return renderPng(plot, width, height);
    case FileFormat::Pdf: return renderPdf(plot, width, height);
    case FileFormat::Svg: break;
  }
  return toSvg(plot, width, height);
}

std::vector<int> figureHeights(const std::vector<Plot>& plots, int width, int height) {
  if (plots.size() <= 1) return std::vector<int>(plots.size(), height);
  std::vector<int> heights;
  const int share = height / int(plots.size());
  for (const Plot& p : plots) {
    // The estimate of the text widths, with a margin for the real font.
    const Size min = minimumSize(p, kFileFontPx);
    const int need = min.width <= float(width) ? int(std::ceil(min.height * 1.05f)) : share;
    heights.push_back(std::min(8192 / int(plots.size()), std::max(share, need)));
  }
  return heights;
}

std::string renderFigure(const std::vector<Plot>& plots, FileFormat format, int width, int height) {
  if (plots.empty()) throw std::invalid_argument("no plot to draw");
  if (plots.size() == 1) return renderPlot(plots[0], format, width, height);
  if (width < 16 || height < 16 || width > 8192 || height > 8192)
    throw std::invalid_argument("plot size must be 16..8192 pixels per side (got " + std::to_string(width) + "x" +
                                std::to_string(height) + ")");
  const std::vector<int> heights = figureHeights(plots, width, height);
  switch (format) {
    case FileFormat::Png: return renderPng(plots, width, heights);
    case FileFormat::Pdf: return renderPdf(plots, width, heights);
    case FileFormat::Svg: break;
  }
  return toSvg(plots, width, heights);
}

PlotFile::PlotFile(const std::string& path) : format_(formatForPath(path)), file_(path) {}

void PlotFile::write(const Plot& plot, int width, int height) { file_.commit(renderPlot(plot, format_, width, height)); }

void PlotFile::write(const std::vector<Plot>& plots, int width, int height) {
  file_.commit(renderFigure(plots, format_, width, height));
}

void exportPlot(const Plot& plot, const std::string& path, int width, int height) {
  PlotFile(path).write(plot, width, height);
}

}  // namespace cachescope::plot
