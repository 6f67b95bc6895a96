// Charts of the probe's results as plot::Plot models, for `cachescope probe
// --plot` and the GUI's Memory view alike (one builder per probe, nothing
// but the result needed). They live in the probe module, above plot, so the
// dependency points down.
#pragma once

#include "plot/plot.hpp"
#include "probe/probe.hpp"

namespace cachescope::probe {

// Ns per load against working set (log2 x, KiB/MiB ticks): measured random
// and sequential chases, the predicted series dashed (with simulate), the
// sysfs level sizes as labelled vertical markers.
plot::Plot latencyPlot(const LatencyResult& r);
// GB/s against working set, one line per stride (the GUI draws the 3D
// surface from MountainResult itself).
plot::Plot mountainPlot(const MountainResult& r);
// Seconds of one sum, row order beside column order (bars).
plot::Plot traversalPlot(const TraversalResult& r);
// GB/s per level (categories L1d, L2, L3, DRAM), one bar series per thread count.
plot::Plot bandwidthPlot(const BandwidthResult& r);

}  // namespace cachescope::probe
