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
