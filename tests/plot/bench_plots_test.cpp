// Plots built from benchmark records and the roofline: which chart, which
// series, which axes.
#include <catch2/catch.hpp>

#include "plot/bench_plots.hpp"
#include "plot/roofline_plot.hpp"

using namespace cachescope;
using namespace cachescope::plot;

namespace {

BenchRecord rec(std::string kernel, int n, double medianS, std::optional<int> block = {},
                std::optional<int> threads = {}) {
  BenchRecord r;
  r.kernel = std::move(kernel);
  r.n = n;
  r.block = block;
  r.threads = threads;
  r.reps = 3;
  r.timesS = {medianS * 0.9, medianS, medianS * 1.2};
  r.medianS = medianS;
  r.minS = medianS * 0.9;
  r.maxS = medianS * 1.2;
  r.work = 2.0 * n * n * n;
  r.unit = "GFLOP/s";
  r.rate = r.work / medianS / 1e9;
  return r;
}

const Series* find(const Plot& p, const std::string& name) {
  for (const Series& s : p.series)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("rate bars: one bar per record, error bars from the fastest and slowest rep", "[plot]") {
  std::vector<BenchRecord> rs = {rec("matmul.naive", 100, 1e-3), rec("matmul.blocked", 100, 2e-4, 32)};
  BenchRecord failed = rec("matmul.blas", 100, 1e-4);
  failed.failure = "wrong result";
  rs.push_back(failed);
  Plot p = rateBars(rs);
  REQUIRE(p.series.size() == 1);
  CHECK(p.series[0].kind == SeriesKind::Bars);
  REQUIRE(p.series[0].points.size() == 2);  // the failed run is left out
  CHECK(p.x.categories == std::vector<std::string>{"matmul.naive", "matmul.blocked"});
  const Point& naive = p.series[0].points[0];
  CHECK(naive.y == Approx(2.0));  // 2e6 flop / 1 ms
  CHECK(naive.errHigh == Approx(2e6 / 0.9e-3 / 1e9 - 2.0));
  CHECK(naive.errLow == Approx(2.0 - 2e6 / 1.2e-3 / 1e9));
  CHECK(p.title.find("GFLOP/s") != std::string::npos);
  CHECK(p.y.label == "GFLOP/s");
  CHECK(autoPlot(rs).series[0].kind == SeriesKind::Bars);  // nothing varies

  // Parameters that vary go into the category names.
  Plot two = rateBars({rec("matmul.blocked", 100, 1e-3, 16), rec("matmul.blocked", 100, 1e-3, 64)});
  CHECK(two.x.categories == std::vector<std::string>{"matmul.blocked\nb=16", "matmul.blocked\nb=64"});
}

TEST_CASE("n sweep: a line per kernel on a log2 axis", "[plot]") {
  std::vector<BenchRecord> rs;
  for (int n : {64, 128, 256, 512}) {
    rs.push_back(rec("matmul.naive", n, 1e-9 * n * n * n));
    rs.push_back(rec("matmul.blas", n, 1e-11 * n * n * n));
  }
  Plot p = autoPlot(rs);
  REQUIRE(p.series.size() == 2);
  CHECK(p.series[0].name == "matmul.naive");
  CHECK(p.series[0].kind == SeriesKind::Line);
  CHECK(p.series[0].points.size() == 4);
  CHECK(p.series[0].points[3].x == 512);
  CHECK(p.x.scale == Scale::Log2);
  CHECK(p.y.scale == Scale::Log10);  // 2 vs 200 GFLOP/s: a hundred times apart
  CHECK(p.x.label.find("n") == 0);
}

TEST_CASE("threads sweep adds a dashed ideal line from the 1-thread point", "[plot]") {
  std::vector<BenchRecord> rs = {rec("matmul.blas", 200, 4e-3, {}, 1), rec("matmul.blas", 200, 2.5e-3, {}, 2),
                                 rec("matmul.blas", 200, 1.5e-3, {}, 4), rec("matmul.naive", 200, 0.1)};
  Plot p = autoPlot(rs);
  CHECK(p.x.label == "threads");
  REQUIRE(p.series.size() == 3);
  // naive ignores threads: a flat baseline at its rate, without dots.
  const Series* naive = find(p, "matmul.naive (no threads)");
  REQUIRE(naive);
  CHECK(!naive->dots);
  REQUIRE(naive->points.size() == 2);
  CHECK(naive->points[0].x == 1);
  CHECK(naive->points[1].x == 4);
  CHECK(naive->points[1].y == Approx(2.0 * 200 * 200 * 200 / 0.1 / 1e9));
  const Series* ideal = find(p, "ideal: matmul.blas x threads");
  REQUIRE(ideal);
  CHECK(ideal->dashed);
  CHECK(ideal->color == p.series[0].color);
  REQUIRE(ideal->points.size() == 3);
  CHECK(ideal->points[2].y == Approx(4 * p.series[0].points[0].y));
}

TEST_CASE("two block sizes beside kernels without blocks make bars", "[plot]") {
  Plot p = autoPlot({rec("matmul.naive", 256, 0.1), rec("matmul.blocked", 256, 0.01, 32),
                     rec("matmul.blocked", 256, 0.01, 64)});
  REQUIRE(p.series.size() == 1);
  CHECK(p.series[0].kind == SeriesKind::Bars);
  CHECK(p.x.categories.size() == 3);
  // Two values that every record has still make a sweep.
  Plot n2 = autoPlot({rec("matmul.naive", 256, 0.1), rec("matmul.naive", 512, 0.8)});
  CHECK(n2.series[0].kind == SeriesKind::Line);
}

TEST_CASE("block sweep picks the block axis and marks cache capacities in range", "[plot]") {
  std::vector<BenchRecord> rs;
  for (int b : {8, 16, 32, 64, 128, 256, 512, 1024}) rs.push_back(rec("matmul.blocked", 1024, 0.5, b));
  Plot p = autoPlot(rs);
  CHECK(p.x.label.find("block") == 0);
  CHECK(p.x.scale == Scale::Log2);
  for (const Marker& m : p.markers) {
    CHECK(m.x >= 8);
    CHECK(m.x <= 1024);
    CHECK(m.label.find("3 tiles fill L") == 0);
  }
}

TEST_CASE("roofline plot: the roof bends at the ridge, kernels are labelled points", "[plot]") {
  RooflineMachine m;
  m.peakGflops = 100;
  m.bandwidthGBs = 20;
  CHECK(rooflineAt(m, 1) == 20);
  CHECK(rooflineAt(m, 5) == 100);
  CHECK(rooflineAt(m, 50) == 100);
  Plot p = rooflinePlot(m, {{"matmul.naive", 85.3, 1.2}, {"relu.naive", 0.125, 2.0}});
  CHECK(p.x.scale == Scale::Log10);
  CHECK(p.y.scale == Scale::Log10);
  REQUIRE(p.series.size() == 3);
  const Series& roof = p.series[0];
  REQUIRE(roof.points.size() == 3);
  CHECK(roof.points[1].x == Approx(5));
  CHECK(roof.points[1].y == Approx(100));
  CHECK(roof.points[0].y == Approx(roof.points[0].x * 20));
  REQUIRE(p.markers.size() == 1);
  CHECK(p.markers[0].x == Approx(5));
  CHECK(p.series[1].kind == SeriesKind::Points);
  CHECK(p.series[1].points[0].label == "matmul.naive");
  CHECK(*p.x.min <= 0.125);
  CHECK(*p.x.max >= 85.3);
  CHECK(*p.y.min <= 1.2);
  std::string svg = toSvg(p);
  CHECK(svg.find("matmul.naive") != std::string::npos);
  CHECK(svg.find("ridge") != std::string::npos);
}

TEST_CASE("rates of different units never share an axis: one plot per unit", "[plot]") {
  BenchRecord int8 = rec("matmul.int8", 256, 1e-3);
  int8.unit = "GOP/s";
  BenchRecord relu = rec("relu.naive", 256, 1e-4);
  relu.unit = "GB/s";
  relu.work = 8.0 * 256 * 256;
  relu.rate = relu.work / relu.medianS / 1e9;
  const std::vector<BenchRecord> rs = {rec("matmul.naive", 256, 0.05), int8, relu, rec("matmul.blas", 256, 1e-3)};
  const auto groups = splitByUnit(rs);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].size() == 2);
  CHECK(groups[1][0].unit == "GOP/s");
  const std::vector<Plot> plots = benchPlots(rs);
  REQUIRE(plots.size() == 3);
  for (const Plot& p : plots) {
    REQUIRE(p.series.size() == 1);
    CHECK(p.y.label == p.y.unit);  // one unit: the axis says it, the bars' values carry it
  }
  CHECK(plots[0].y.unit == "GFLOP/s");
  CHECK(plots[1].y.unit == "GOP/s");
  CHECK(plots[2].y.unit == "GB/s");
  // Sweeps too: each unit its own chart.
  std::vector<BenchRecord> sweep;
  for (int n : {64, 128, 256}) {
    sweep.push_back(rec("matmul.naive", n, 1e-9 * n * n * n));
    BenchRecord q = rec("matmul.int8", n, 1e-11 * n * n * n);
    q.unit = "GOP/s";
    sweep.push_back(q);
  }
  const std::vector<Plot> sweeps = benchPlots(sweep);
  REQUIRE(sweeps.size() == 2);
  CHECK(sweeps[0].y.label == "GFLOP/s");
  CHECK(sweeps[1].y.label == "GOP/s");
  CHECK(sweeps[0].series.size() == 1);
}

TEST_CASE("crossover densities are interpolated where the sparse time meets the dense one", "[plot]") {
  // 1 ms at d=0.1, 5 ms at d=0.5: 3 ms is crossed at d=0.3.
  const std::vector<double> at = crossoverDensities({{0.5, 5e-3}, {0.1, 1e-3}}, 3e-3);
  REQUIRE(at.size() == 1);
  CHECK(at[0] == Approx(0.3));
  CHECK(crossoverDensities({{0.1, 1e-3}, {0.5, 5e-3}}, 9e-3).empty());  // sparse faster everywhere
  CHECK(crossoverDensities({{0.1, 1e-3}, {0.3, 2e-3}, {0.5, 1e-3}}, 1.5e-3).size() == 2);
}

TEST_CASE("density plot: time against density, dense kernels as reference lines, crossover marked", "[plot]") {
  std::vector<BenchRecord> rs;
  for (double d : {0.05, 0.1, 0.3, 0.5, 1.0}) {
    BenchRecord r = rec("matmul.sparse", 512, 0.001 + 0.02 * d);  // 2 ms at 0.05 .. 21 ms at 1
    r.density = d;
    r.work = 2.0 * d * 512 * 512 * 512;  // nonzero work
    r.rate = r.work / r.medianS / 1e9;
    r.denseEquivalentRate = 2.0 * 512 * 512 * 512 / r.medianS / 1e9;
    rs.push_back(r);
  }
  rs.push_back(rec("matmul.blas", 512, 0.007));  // 7 ms: crossed at d = 0.3
  BenchRecord relu = rec("relu.naive", 512, 0.001);
  relu.work = 8.0 * 512 * 512;  // another problem: no reference line
  rs.push_back(relu);
  const std::vector<Plot> plots = benchPlots(rs);  // `bench --density LIST --plot`: not bars
  REQUIRE(plots.size() == 1);
  const Plot& p = plots[0];
  CHECK(p.x.label.find("density") == 0);
  CHECK(p.y.label == "time (ms)");
  REQUIRE(p.series.size() == 2);
  CHECK(p.series[0].kind == SeriesKind::Line);
  REQUIRE(p.series[0].points.size() == 5);
  CHECK(p.series[0].points[0].x == Approx(0.05));
  CHECK(p.series[0].points[0].y == Approx(2.0));  // ms
  const Series& ref = p.series[1];
  CHECK(ref.dashed);
  CHECK(ref.name.find("matmul.blas (dense)") == 0);
  CHECK(ref.points.front().y == Approx(7.0));
  CHECK(ref.points.back().y == Approx(7.0));
  CHECK(ref.points.front().x == Approx(0.05));
  CHECK(ref.points.back().x == Approx(1.0));
  REQUIRE(p.markers.size() == 1);
  CHECK(p.markers[0].x == Approx(0.3));
  CHECK(p.markers[0].label.find("d=0.3") != std::string::npos);
  CHECK(p.x.scale == Scale::Log10);  // 0.05 .. 1 spans 20x
  // The GUI's short names: "sparse = blas".
  CHECK(densityPlot(rs, true).markers[0].label.find("sparse = blas") == 0);
}

TEST_CASE("quantized and sparse records carry their error, footprint and dense-equivalent rate", "[plot]") {
  BenchRecord q = rec("matmul.int8", 512, 0.004);
  q.unit = "GOP/s";
  q.errRelative = 0.0055;
  q.errMaxAbs = 0.13;
  q.footprintBytes = 2.0 * 512 * 512;         // int8 A and B
  q.fp32FootprintBytes = 8.0 * 512 * 512;
  const std::vector<std::string> notes = recordNotes(q);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] == "error vs fp32: 0.0055 relative (max abs 0.13)");
  CHECK(notes[1] == "footprint 0.5 MiB, 4.0x smaller than fp32");
  BenchRecord s = rec("matmul.sparse", 512, 2.0 * 512 * 512 * 512 / 3035e9);
  s.density = 0.01;
  s.errRelative = 0.985;
  s.denseEquivalentRate = 3035;
  const std::vector<std::string> sn = recordNotes(s);
  REQUIRE(sn.size() == 2);
  CHECK(sn[0].find("the cost of pruning") != std::string::npos);
  CHECK(sn[1].find("dense-equivalent 3035 GFLOP/s") == 0);
  CHECK(sn[1].find("not a speed of the hardware") != std::string::npos);
  CHECK(recordNotes(rec("matmul.blas", 512, 0.002)).empty());
  // The bar says which rate it is, and its hover read-out has the notes.
  const Plot bars = rateBars({s}, true);
  CHECK(bars.x.categories[0] == "sparse\nd=0.01, nonzero work");
  CHECK(bars.series[0].points[0].label.find("dense-equivalent") != std::string::npos);
  // Speedups and reference lines compare the same problem only.
  CHECK(sameProblem(s, rec("matmul.blas", 512, 0.01)));
  BenchRecord relu = rec("relu.naive", 512, 0.001);
  relu.work = 8.0 * 512 * 512;
  CHECK(!sameProblem(relu, rec("matmul.blas", 512, 0.01)));
  CHECK(!sameProblem(rec("matmul.naive", 256, 0.01), rec("matmul.blas", 512, 0.01)));
}
