// The run-time estimate of a kernel simulation (simulate_estimate.hpp).
#include "cli/simulate_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/progress_line.hpp"
#include "report/numbers.hpp"
#include "trace/kernel_trace.hpp"

namespace cachescope::cli {

SimulateEstimate estimateSimulation(const trace::SimulationRequest& req) {
  const trace::TracedKernel k = trace::resolveKernel(req.kernel);
  SimulateEstimate e;
  e.label = req.kernel.kernel + " n=" + std::to_string(k.spec.n);
  const double outer = std::max(1, k.outerCount());
  // A sample simulates its window and a warm-up of a quarter of it (at least
  // one outer iteration), as simulate() does.
  double share = 1.0;
  if (req.sample < 1.0) {
    const double window = std::ceil(req.sample * outer);
    share = std::min(1.0, (window + std::max(1.0, std::floor(window / 4))) / outer);
    e.sampled = share < 1.0;
  }
  e.references = double(k.references()) * share;
  e.missClasses = req.missClasses ? *req.missClasses : e.references <= double(trace::kAutoMissClassesLimit);
  e.extras = req.cache.prefetch.kind != sim::PrefetchKind::None || req.mrc;
  e.seconds = e.references / (e.missClasses || e.sampled || e.extras ? kSimulateRateSlow : kSimulateRate);
  return e;
}

std::optional<std::string> estimateNotice(const SimulateEstimate& e) {
  if (!(e.seconds > kSimulateNoticeS)) return std::nullopt;
  char rate[80];
  const bool slow = e.missClasses || e.sampled || e.extras;
  std::snprintf(rate, sizeof rate, "%.0f M references/s%s", (slow ? kSimulateRateSlow : kSimulateRate) / 1e6,
                e.missClasses ? " with the three-C split"
                : e.sampled   ? " for a sampled window"
                : e.extras    ? " with prefetch or the miss-ratio curve"
                              : "");
  return "simulate: " + e.label + ", " + groupedText(std::uint64_t(e.references)) + " references: roughly " +
         durationWords(e.seconds) + " (counting " + rate + "); Ctrl-C stops";
}

}  // namespace cachescope::cli
