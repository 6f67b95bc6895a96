// `--plot FILE.svg|FILE.png|FILE.pdf` for the commands that draw (bench,
// roofline): the target is checked and opened before the work starts, like
// --out, and written whole at the end, through plot::PlotFile, the same
// writer and default size as the app's export buttons. No display needed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plot/export.hpp"
#include "plot/plot.hpp"
#include "report/record.hpp"

namespace cachescope::cli {

class PlotOutput {
 public:
  // Throws UsageError ("--plot 'NAME': ...") for an extension other than
  // .svg / .png / .pdf, FileError when the file cannot be created.
  explicit PlotOutput(const std::string& path);
  // Renders at plot::kExportWidth x kExportHeight and renames into place.
  void write(const plot::Plot& plot);
  // The charts of `bench` results, plot::benchPlots: one plot per unit
  // (rates of different units never share an axis) stacked in the one file,
  // or, when the records hold several densities, the density plot (time
  // against density, dense kernels as reference lines, the crossover marked).
  void writeBench(const std::vector<BenchRecord>& records);
  // Several plots stacked in the one file (the who-wins maps).
  void writeAll(const std::vector<plot::Plot>& plots);
  const std::string& path() const { return file_->path(); }

 private:
  std::optional<plot::PlotFile> file_;
};

}  // namespace cachescope::cli
