// `roofline`'s result: the machine's roofs and kernels placed under them, as
// a text table and as JSON, built on report's table and number primitives so
// the CLI and a GUI export write the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bench/roofline.hpp"
#include "bench/roofline_levels.hpp"
#include "bench/runner.hpp"
#include "plot/roofline_plot.hpp"

namespace cachescope {

// A kernel placed by its bytes per level (`roofline --levels`).
struct PlacedLevels {
  KernelTraffic traffic;
  LevelPlacement placement;
  std::vector<std::string> above;  // per placement.levels: why its point sits above that roof ("" not)
  std::string aboveCompute;        // why the rate sits above the compute peak ("" not)
};

// One timed kernel under the roof (gflops and roof are 0 unless its record is Ok).
struct PlacedKernel {
  BenchRecord record;
  IntensityModel model;
  double gflops = 0;  // model.flops / median
  double roof = 0;    // its data type's roof at the kernel's intensity
  Roof roofKind = Roof::Fp32;
  std::string aboveReason;  // why it sits above that roof ("" it does not)
  std::optional<PlacedLevels> levels;  // with --levels, when its traffic was obtained
};

// Places one kernel by its bytes per level (its record must be Ok for the
// above-roof reasons to mean anything).
PlacedLevels placeLevels(const RooflineMachine& machine, const PlacedKernel& kernel, const KernelTraffic& traffic);

// Short kernel names for a plot (the id without its family prefix) where no
// two placed kernels share one.
std::vector<std::string> shortLabels(const std::vector<std::string>& labels);

// The plot's per-level view: each placed kernel's points at every level.
std::vector<plot::RooflineLevelKernel> rooflineLevelKernels(const std::vector<PlacedKernel>& placed);

// Pairs each record with its job's intensity model and the roof above it.
std::vector<PlacedKernel> placeKernels(const RooflineMachine& machine, const std::vector<Job>& jobs,
                                       const std::vector<BenchRecord>& records);

// "matmul.int8 8-bit", "matmul.sparse d=0.10": a point's label in tables and plots.
std::string placedLabel(const BenchRecord& record);

// The placed kernels that ran, as the roofline plot's points (label, roof, reason).
std::vector<plot::RooflinePoint> rooflinePoints(const std::vector<PlacedKernel>& placed);

std::string rooflineTable(const RooflineMachine& machine, const std::vector<PlacedKernel>& placed);
nlohmann::json rooflineJson(const RooflineMachine& machine, const std::vector<PlacedKernel>& placed);
std::string rooflineJsonText(const RooflineMachine& machine, const std::vector<PlacedKernel>& placed);

}  // namespace cachescope
