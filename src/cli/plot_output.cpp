#include "cli/plot_output.hpp"

#include "bench/param_list.hpp"
#include "plot/bench_plots.hpp"

namespace cachescope::cli {

PlotOutput::PlotOutput(const std::string& path) {
  try {
    file_.emplace(path);
  } catch (const plot::PlotFormatError& e) {
    throw UsageError(std::string("--plot ") + e.what());
  }
}

void PlotOutput::write(const plot::Plot& plot) { file_->write(plot); }

void PlotOutput::writeAll(const std::vector<plot::Plot>& plots) { file_->write(plots); }

void PlotOutput::writeBench(const std::vector<BenchRecord>& records) { file_->write(plot::benchPlots(records)); }

}  // namespace cachescope::cli
