// The roofline chart: attainable GFLOP/s = min(peak, intensity x bandwidth)
// on log-log axes, with each kernel placed at its arithmetic intensity and
// achieved rate. The numbers come from bench/roofline.hpp (measurement) and
// from the caller (the kernels' points); this file only draws.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "platform/roofline_machine.hpp"
#include "plot/plot.hpp"

namespace cachescope::plot {

struct RooflinePoint {
  std::string label;      // kernel id and size: "<id> n=512"
  double intensity = 0;   // FLOP (or op) per byte of compulsory DRAM traffic
  double gflops = 0;      // achieved (GFLOP/s, or GOP/s for int8)
  Roof roof = Roof::Fp32; // the roof of its data type
  std::string reason;     // why it sits above that roof ("" it does not): shown in its label

  RooflinePoint() = default;
  RooflinePoint(std::string label_, double intensity_, double gflops_, Roof roof_ = Roof::Fp32, std::string reason_ = {})
      : label(std::move(label_)), intensity(intensity_), gflops(gflops_), roof(roof_), reason(std::move(reason_)) {}
};

// Attainable rate at an intensity under the machine's fp32 roof.
double rooflineAt(const RooflineMachine& machine, double intensity);

// One roof per data type among the points: fp32 (min(peak, intensity x
// bandwidth)), int8 where measured and an int8 point is placed, and the DRAM
// slope that both share (ReLU's only roof). A point above its roof carries
// its reason in its label.

Plot rooflinePlot(const RooflineMachine& machine, const std::vector<RooflinePoint>& points);

// The roofline with a ceiling per level (`roofline --levels`, the GUI's "per
// level" toggle): one point per level of a kernel, all at its achieved rate
// and at its intensity against that level's traffic.
struct RooflineLevelPoint {
  std::string level;      // "L1d", "L2", "L3", "DRAM"
  double intensity = 0;   // work / bytes at that level
  std::string reason;     // why it sits above that level's roof ("" not)
};
struct RooflineLevelKernel {
  std::string label;      // "naive"
  double rate = 0;        // achieved GFLOP/s (GOP/s int8)
  bool traced = true;     // false: one DRAM point from the compulsory estimate
  std::string binding;    // the level (or "compute") that binds it
  Roof roof = Roof::Fp32;
  std::vector<RooflineLevelPoint> points;  // L1 first
};

// Each level's bandwidth roof as a slope labelled "L1d x 210 GB/s" up to the
// fp32 peak (the int8 peak too where an int8 kernel is placed), and each
// kernel's points joined by a line (traced) or alone (not traced: says so),
// every dot in the colour of its level's roof.
// A point above its level's roof carries the reason in the legend.
Plot rooflineLevelsPlot(const RooflineMachine& machine, const std::vector<RooflineLevelKernel>& kernels);

}  // namespace cachescope::plot
