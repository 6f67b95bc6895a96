// `--plot FILE.svg|FILE.png` for the commands that draw (bench, roofline):
// the target is checked and opened before the work starts, like --out, and
// written whole at the end.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "plot/plot.hpp"
#include "report/atomic_file.hpp"

namespace cachescope::cli {

class PlotOutput {
 public:
  // Throws UsageError for an extension other than .svg / .png, or .png in a
  // build without a GL context; FileError when the file cannot be created.
  explicit PlotOutput(const std::string& path);
  // Writes the plot; PNG rendering errors (no display) throw std::runtime_error.
  void write(const plot::Plot& plot);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool png_ = false;
  std::optional<AtomicFile> svg_;
};

constexpr int kPlotWidth = 1200, kPlotHeight = 675;

}  // namespace cachescope::cli
