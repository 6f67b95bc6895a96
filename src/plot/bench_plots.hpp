// Plots of benchmark results. `cachescope bench --plot` and the app's timing
// view both build their charts here, so the file and the screen agree.
#pragma once

#include <vector>

#include "plot/plot.hpp"
#include "report/record.hpp"

namespace cachescope::plot {

enum class SweepAxis { N, Block, Threads };

const char* toString(SweepAxis axis);  // "n", "block", "threads"

// One bar per record (kernel + parameters), height = rate (work / median).
// Error bars span the rates of the slowest and the fastest repetition.
// Failed records are left out. Records of different units (GFLOP/s, GB/s)
// become separate series so the legend names each unit.
Plot rateBars(const std::vector<BenchRecord>& records);

// Rate against one parameter: a line per kernel (and per value of any other
// parameter that varies). n and block use a log2 axis (when they span at
// least a factor 4). For threads, each kernel measured at 1 thread also gets
// a dashed "ideal" line: its 1-thread rate x threads. A kernel that ignores
// the parameter (naive in a block sweep) becomes a flat baseline at its rate
// when it has one record, and is left out otherwise.
Plot sweepPlot(const std::vector<BenchRecord>& records, SweepAxis x);

// The plot a set of results asks for: a sweep over the parameter with the
// most distinct values (n before block before threads on a tie) when it has
// at least three values, or two that every record has; else bars.
Plot autoPlot(const std::vector<BenchRecord>& records);

}  // namespace cachescope::plot
