// Speedup against a baseline kernel (speedup.hpp).
#include "report/speedup.hpp"

#include <algorithm>
#include <cmath>

namespace cachescope {

double denseWork(const BenchRecord& r) {
  if (r.denseEquivalentRate && *r.denseEquivalentRate > 0) return *r.denseEquivalentRate * r.medianS * 1e9;
  return r.work;
}

bool sameProblem(const BenchRecord& a, const BenchRecord& b) {
  const double wa = denseWork(a), wb = denseWork(b);
  return a.n == b.n && std::fabs(wa - wb) <= 1e-6 * std::max(std::fabs(wa), std::fabs(wb));
}

const BenchRecord* baselineRecord(const BenchRecord& r, const std::vector<BenchRecord>& all,
                                  const std::string& baselineKernel) {
  for (const BenchRecord& b : all) {
    if (b.kernel != baselineKernel || b.outcome != Outcome::Ok || b.medianS <= 0 || !sameProblem(b, r)) continue;
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
