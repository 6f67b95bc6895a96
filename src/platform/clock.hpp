// The core clock, estimated: what turns nanoseconds into cycles (the probe's
// latency ladder) and what a benchmark report records beside its rates, so a
// number measured under boost or on a throttled guest explains itself.
#pragma once

#include <string>

namespace cachescope {

// How it is estimated: a timed chain of dependent adds (one add per cycle on
// every x86 core), which follows the core's real clock under boost where the
// nominal TSC frequency does not; /proc/cpuinfo "cpu MHz" when the chain
// gives no plausible figure (and it is named in `method` as a cross-check).
// `ghz` > 0 always; measured once per process (about 30 ms), then cached.
struct ClockEstimate {
  double ghz = 0;
  std::string method;  // e.g. "dependent add chain timed, 1 add/cycle" or "cpu MHz from /proc/cpuinfo"
};

ClockEstimate estimateClock();

}  // namespace cachescope
