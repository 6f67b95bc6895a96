// How long `cachescope simulate --kernel` will take, worked out before it
// starts from the nest's exact reference count, so a run of half a minute
// (naive at n = 1024) or of hours (n = 4096) says so first.
#pragma once

#include <optional>
#include <string>

#include "trace/simulation.hpp"

namespace cachescope::cli {

// The simulator's speed as counted: measured 77-200 M references/s for three
// LRU levels on these 2-vCPU machines (README), about 5x slower one
// reference at a time (the three-C split's fully associative shadows, or a
// sampled window, which is not batched). The low end, so that the estimate
// errs long.
inline constexpr double kSimulateRate = 80e6;
inline constexpr double kSimulateRateSlow = 16e6;
// Below this a run needs no warning: it is over before one would act on it.
inline constexpr double kSimulateNoticeS = 10;

struct SimulateEstimate {
  // The kernel id and n, e.g. "<id> n=1024".
  std::string label;
  double references = 0;   // simulated, a sample's warm-up included
  bool missClasses = false;
  bool sampled = false;
  bool extras = false;     // a prefetch model or the miss-ratio curve: off the batched loop
  double seconds = 0;
};

// For a kernel request (checks it like simulate() does: throws SimulationError).
SimulateEstimate estimateSimulation(const trace::SimulationRequest& request);

// "simulate: matmul.naive n=1024, 2,148,532,224 references: roughly 27 s
// (counting 80 M references/s); Ctrl-C stops", or nothing below kSimulateNoticeS.
std::optional<std::string> estimateNotice(const SimulateEstimate& e);

}  // namespace cachescope::cli
