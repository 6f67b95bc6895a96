// Speedup against a chosen baseline kernel: one rule for the table writers,
// the Timings view and the plots.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/record.hpp"

namespace cachescope {

// The Ok record of `baselineKernel` that `r` is compared with: the same n,
// and the same threads where both record threads; nullptr when there is none.
const BenchRecord* baselineRecord(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel);

// baseline median time / r's median time (a time ratio, so it is meaningful
// between kernels of different units); nullopt when r is not Ok or there is
// no baseline record for it.
std::optional<double> speedupOver(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel);

}  // namespace cachescope
