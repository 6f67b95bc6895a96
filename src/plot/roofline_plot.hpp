// The roofline chart: attainable GFLOP/s = min(peak, intensity x bandwidth)
// on log-log axes, with each kernel placed at its arithmetic intensity and
// achieved rate. The numbers come from bench/roofline.hpp (measurement) and
// from the caller (the kernels' points); this file only draws.
#pragma once

#include <string>
#include <vector>

#include "platform/roofline_machine.hpp"
#include "plot/plot.hpp"

namespace cachescope::plot {

struct RooflinePoint {
  std::string label;      // kernel id and size: "<id> n=512"
  double intensity = 0;   // FLOP (or op) per byte of compulsory DRAM traffic
  double gflops = 0;      // achieved
};

// Attainable rate at an intensity under the machine's roof.
double rooflineAt(const RooflineMachine& machine, double intensity);

Plot rooflinePlot(const RooflineMachine& machine, const std::vector<RooflinePoint>& points);

}  // namespace cachescope::plot
