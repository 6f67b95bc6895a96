// Reads `cachescope bench --format json` (formatJson in writers.hpp) back
// into records, so saved results can be plotted or compared again with the
// same code that made them (e.g. a plot rebuilt from r.json is the plot
// `--plot` drew). The inverse of formatJson for every field it writes: JSON
// numbers are written with round-trip precision, so the doubles come back
// exactly; null (a non-finite number) comes back as NaN. "speedup" and
// "baseline" follow from the records and are not read back.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "report/record.hpp"

namespace cachescope {

// Not a bench JSON document (not JSON, no "results" array, a result without
// "kernel" or "n", a field of the wrong type). One-line message.
struct BenchJsonError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::vector<BenchRecord> parseBenchJson(const std::string& text);

}  // namespace cachescope
