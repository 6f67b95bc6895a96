// Speedup against a chosen baseline kernel: one rule for the table writers,
// the Timings view and the plots.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/record.hpp"

namespace cachescope {

// The work of the dense problem a record solves: a sparse record's dense
// equivalent (its dense-equivalent rate x time), else its own work. Two
// records solve the same problem when this and n agree (speedups and
// reference lines compare only those).
double denseWork(const BenchRecord& r);
bool sameProblem(const BenchRecord& a, const BenchRecord& b);

// The Ok record of `baselineKernel` that `r` is compared with: the same
// problem (sameProblem: a relu record is never compared with a matmul one)
// and the same threads where both record threads; nullptr when there is none.
const BenchRecord* baselineRecord(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel);

// baseline median time / r's median time (a time ratio, so it is meaningful
// between kernels of different units); nullopt when r is not Ok or there is
// no baseline record for it.
std::optional<double> speedupOver(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel);

}  // namespace cachescope
