// Speedup against a baseline kernel (speedup.hpp).
#include "report/speedup.hpp"

namespace cachescope {

const BenchRecord* baselineRecord(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel) {
  for (const BenchRecord& b : all) {
    if (b.kernel != baselineKernel || b.outcome != Outcome::Ok || b.n != r.n || b.medianS <= 0) continue;
    if (b.threads && r.threads && *b.threads != *r.threads) continue;
    return &b;
  }
  return nullptr;
}

std::optional<double> speedupOver(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel) {
  if (r.outcome != Outcome::Ok || r.medianS <= 0) return std::nullopt;
  const BenchRecord* b = baselineRecord(r, all, baselineKernel);
  if (!b) return std::nullopt;
  return b->medianS / r.medianS;
}

}  // namespace cachescope
