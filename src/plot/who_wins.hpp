// The "who wins where" map: which kernel is fastest (lowest median) in each
// cell of two swept parameters, as a categorical map (Plot::cells) coloured
// by the winner, the legend naming kernels by title, each cell labelled with
// the winner's short name and its lead over the runner-up. Built from bench
// records (`bench --who-wins --plot`) or from a dispatch table turned into
// records (`tune --plot`, the GUI's Dispatch view), so all three agree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plot/bench_plots.hpp"
#include "plot/plot.hpp"
#include "report/record.hpp"

namespace cachescope::plot {

// Kernel id -> title, for the legend (ids without one are shown as ids).
using KernelTitles = std::map<std::string, std::string>;

// What the records hold constant in a map: a record matches when it has the
// value, or does not have the parameter at all (a kernel that ignores
// threads counts at every thread count, a dense one at every density).
struct WhoWinsFilter {
  std::optional<int> bits;       // absent in a record: 32
  std::optional<int> threads;
  std::optional<double> density;
};

struct WhoWinsMap {
  SweepAxis x = SweepAxis::N, y = SweepAxis::Threads;
  std::vector<double> xs, ys;               // the values of each axis, ascending
  std::vector<std::string> kernels;         // every winner, in order of first win (the legend)
  // [y][x]: index into kernels (-1: no record there), the winner's median,
  // the runner-up (empty: none) and its median over the winner's.
  std::vector<std::vector<int>> winner;
  std::vector<std::vector<double>> winnerS, margin;
  std::vector<std::vector<std::string>> runnerUp;
  WhoWinsFilter filter;
};

// Records that are Ok and not a dispatcher's (a record with a chosen kernel
// is the dispatcher, not a single kernel) take part. The x and y values are
// those the matching records have; an axis none of them has is {1} for
// threads and {1} for density.
WhoWinsMap whoWins(const std::vector<BenchRecord>& records, SweepAxis x, SweepAxis y, const WhoWinsFilter& filter);

// `colourOrder`: kernel ids whose position picks each one's colour, so that
// several maps of one set of results colour a kernel alike (ids not in it:
// their place in map.kernels).
Plot whoWinsPlot(const WhoWinsMap& map, const KernelTitles& titles, const std::vector<std::string>& colourOrder = {});

// Where n runs in a map: across (the x axis, as files are drawn), or down
// the y axis, for a narrow canvas at large text (a hall's 1280 px window:
// eleven sizes across leave cells narrower than "1.25x").
enum class NAxis { Across, Down };

// The maps a set of records asks for: for each width (bits, widest first) with two or
// more kernels, n x threads at density 1, and, when the records hold two or
// more densities below 1, density x n at each thread count. Empty when no
// width has two kernels or the records have fewer than two n.
std::vector<Plot> whoWinsPlots(const std::vector<BenchRecord>& records, const KernelTitles& titles,
                               NAxis nAxis = NAxis::Across);

}  // namespace cachescope::plot
