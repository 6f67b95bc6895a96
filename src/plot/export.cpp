#include "plot/export.hpp"

#include <algorithm>
#include <cctype>

#include "plot/cairo_render.hpp"

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

PlotFile::PlotFile(const std::string& path) : format_(formatForPath(path)), file_(path) {}

void PlotFile::write(const Plot& plot, int width, int height) { file_.commit(renderPlot(plot, format_, width, height)); }

void exportPlot(const Plot& plot, const std::string& path, int width, int height) {
  PlotFile(path).write(plot, width, height);
}

}  // namespace cachescope::plot
