#include "cli/plot_output.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "bench/param_list.hpp"


namespace cachescope::cli {

namespace {

std::string lowerExtension(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return ext;
}

}  // namespace

PlotOutput::PlotOutput(const std::string& path) : path_(path) {
  std::string ext = lowerExtension(path);
  if (ext == ".svg") {
    svg_.emplace(path);
    return;
  }
  if (ext != ".png") throw UsageError("--plot '" + path + "': use a file name ending in .svg or .png");
  throw UsageError("PNG plots need a GL context (GUI build with a display); use --plot FILE.svg");
}

void PlotOutput::write(const plot::Plot& plot) {
  if (svg_) {
    svg_->commit(plot::toSvg(plot, kPlotWidth, kPlotHeight));
    return;
  }
}

}  // namespace cachescope::cli
