// Plots of benchmark results. `cachescope bench --plot` and the app's timing
// view both build their charts here, so the file and the screen agree.
#pragma once

#include <vector>

#include "plot/plot.hpp"
#include "report/record.hpp"
#include "report/speedup.hpp"  // sameProblem: which records compare

namespace cachescope::plot {

enum class SweepAxis { N, Block, Threads, Density };

const char* toString(SweepAxis axis);  // "n", "block", "threads", "density"

// Short names for kernel ids: the part after the family ("naive" for
// "<family>.naive"), unless two of the ids shown share it (a matmul and a
// relu "naive"): those keep their whole id. Same order as `ids`.
std::vector<std::string> shortKernelNames(const std::vector<std::string>& ids);

// What a dispatching record ran ("ran <id>: <reason>"), and what a quantized
// or sparse record trades for its speed, one line each, as
// the Timings table and the bars' hover read-outs show it beside the rate:
// "error vs fp32: 0.0055 relative (max abs 0.13)", "footprint 0.25 MiB, 4.0x
// smaller than fp32", "dense-equivalent 3035 GFLOP/s (...)". Empty for a
// plain fp32 record.
std::vector<std::string> recordNotes(const BenchRecord& r);


// The records split by unit (GFLOP/s, GOP/s, GB/s), units in order of first
// appearance: rates of different units never share an axis.
std::vector<std::vector<BenchRecord>> splitByUnit(const std::vector<BenchRecord>& records);

// One bar per record (kernel + parameters), height = rate (work / median),
// its value and unit written above it. Error bars span the rates of the
// slowest and the fastest repetition. Failed records are left out. Give it
// records of one unit (splitByUnit); mixed units become separate series with
// a legend. `shortNames`: categories use shortKernelNames. A sparse record's
// bar is its effective rate (nonzero work) and says so. `among`: more ids
// the short names must be unique with (the other charts of a view).
Plot rateBars(const std::vector<BenchRecord>& records, bool shortNames = false,
              const std::vector<std::string>& among = {});

// Rate against one parameter: a line per kernel (and per value of any other
// parameter that varies). n and block use a log2 axis (when they span at
// least a factor 4). For threads, each kernel measured at 1 thread also gets
// a dashed "ideal" line: its 1-thread rate x threads. A kernel that ignores
// the parameter (naive in a block sweep) becomes a flat baseline at its rate
// when it has one record, and is left out otherwise.
Plot sweepPlot(const std::vector<BenchRecord>& records, SweepAxis x);

// Sparse against dense: density on x, time in ms on y (lower is better) for
// each sparse kernel (records with a density), each dense record of the same
// problem (same n, the dense work 2n^3) a dashed horizontal reference line,
// and a marker where the sparse time crosses each reference, interpolated
// linearly between the two densities around the crossing.
Plot densityPlot(const std::vector<BenchRecord>& records, bool shortNames = false,
                 const std::vector<std::string>& among = {});

// Where the sparse times (density, seconds; any order) cross `denseS`:
// interpolated densities, in increasing order.
std::vector<double> crossoverDensities(std::vector<std::pair<double, double>> densityTimes, double denseS);

// The plot a set of results of one unit asks for: a sweep over the parameter
// with the most distinct values (n before block before threads on a tie)
// when it has at least three values, or two that every record has; else bars.
Plot autoPlot(const std::vector<BenchRecord>& records);

// Every plot a set of results asks for (`bench --plot`): the density plot
// when the records hold two or more densities, else autoPlot of each unit.
std::vector<Plot> benchPlots(const std::vector<BenchRecord>& records, bool shortNames = false);

}  // namespace cachescope::plot
