// `simulate`'s result as a text table and as JSON (shared/design.md section
// 4: the stable machine format), built on report's table and number
// primitives so the CLI and a GUI export write the same bytes.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "trace/simulation.hpp"

namespace cachescope::trace {

// What the result itself does not carry: the names the user gave.
struct SimulationLabels {
  std::string preset = "host";  // cache preset name or file
  std::string traceFile;        // Source::TraceFile: the path, "-" for standard input
  double requestedSample = 1.0; // --sample as asked (the result has what was used)
};

nlohmann::json simulationJson(const SimulationResult& result, const SimulationLabels& labels);

// The JSON above, indented by two, with a final newline.
std::string simulationJsonText(const SimulationResult& result, const SimulationLabels& labels);

// A header naming the kernel or trace and the cache semantics, one row per
// level, memory traffic and the simulation's speed.
std::string simulationTable(const SimulationResult& result, const SimulationLabels& labels);

}  // namespace cachescope::trace
