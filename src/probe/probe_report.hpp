// The probe's results as text: a table for people, CSV for spreadsheets,
// JSON that explains itself (units, the host's context, the timing protocol,
// how cycles were estimated). The CLI writes these; the GUI's export buttons
// can too.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "probe/probe.hpp"

namespace cachescope::probe {

std::string toTable(const LatencyResult& r);
std::string toTable(const MountainResult& r);
std::string toTable(const TraversalResult& r);
std::string toTable(const BandwidthResult& r);

std::string toCsv(const LatencyResult& r);
std::string toCsv(const MountainResult& r);
std::string toCsv(const TraversalResult& r);
std::string toCsv(const BandwidthResult& r);

// {"probe": ..., "units": {...}, "context": hostContextJson(), "protocol":
// {...}, ... the result ...}
nlohmann::json toJson(const LatencyResult& r, const ProbeOptions& options);
nlohmann::json toJson(const MountainResult& r, const ProbeOptions& options);
nlohmann::json toJson(const TraversalResult& r, const ProbeOptions& options);
nlohmann::json toJson(const BandwidthResult& r, const ProbeOptions& options);

}  // namespace cachescope::probe
