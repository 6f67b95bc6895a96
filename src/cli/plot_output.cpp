#include "cli/plot_output.hpp"

#include "bench/param_list.hpp"

namespace cachescope::cli {

PlotOutput::PlotOutput(const std::string& path) {
  try {
    file_.emplace(path);
  } catch (const plot::PlotFormatError& e) {
    throw UsageError(std::string("--plot ") + e.what());
  }
}

void PlotOutput::write(const plot::Plot& plot) { file_->write(plot); }

}  // namespace cachescope::cli
