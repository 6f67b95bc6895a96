// The probe's plot builders (src/probe/probe_plots.hpp) lay out without a
// problem at 16 and 28 px from their minimum size up to 1280x720, as every
// builder of src/plot does (tests/plot/layout_test.cpp), and show what they
// promise: log2 working sets, level markers, the predicted series dashed.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "plot/cairo_render.hpp"
#include "plot/layout.hpp"
#include "probe/probe_plots.hpp"

using namespace cachescope;
using namespace cachescope::probe;
using namespace cachescope::plot;

namespace {

LatencyResult ladder() {
  LatencyResult r;
  r.clock = {3.0, "test"};
  for (ChaseOrder o : {ChaseOrder::Random, ChaseOrder::Sequential}) {
    LatencySeries s;
    s.order = o;
    for (double b = 1024; b <= double(128 << 20); b *= 2) {
      LatencyPoint p;
      p.bytes = std::uint64_t(b);
      p.nsPerLoad = o == ChaseOrder::Random ? (b < 32768 ? 1.3 : b < 524288 ? 4.2 : b < 33554432 ? 18 : 110) : 1.5;
      p.predictedNs = p.nsPerLoad * (o == ChaseOrder::Random ? 1.0 : 10.0);
      s.points.push_back(p);
    }
    r.series.push_back(s);
  }
  r.levels = {{"L1d", 32768, 32768, 1.3, 4}, {"L2", 393216, 524288, 4.2, 13}, {"L3", 3 << 20, 32 << 20, 18, 54}};
  return r;
}

MountainResult mountain() {
  MountainResult m;
  m.strides = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32};
  for (double b = 1024; b <= double(128 << 20); b *= 2) m.sizes.push_back(std::uint64_t(b));
  for (int s : m.strides) {
    std::vector<double> row;
    for (std::uint64_t z : m.sizes) row.push_back(40.0 / (1 + std::log2(double(z) / 1024) * s / 8));
    m.gbPerSecond.push_back(row);
  }
  return m;
}

TraversalResult traversal() {
  TraversalResult t;
  t.n = 2944;
  t.rowSeconds = 0.012;
  t.colSeconds = 0.160;
  return t;
}

BandwidthResult bandwidth() {
  BandwidthResult b;
  b.threads = 2;
  b.readLoop = "avx2";
  b.levels = {{"L1d", 16384, {95.1, 180.4}, {1, 1}, {96, 181}},
              {"L2", 262144, {48.2, 90.3}, {1, 1}, {49, 91}},
              {"L3", 8 << 20, {30.5, 52.7}, {1, 1}, {31, 53}},
              {"DRAM", 128 << 20, {14.1, 17.9}, {1, 1}, {15, 18}}};
  return b;
}

std::vector<std::pair<std::string, Plot>> builders() {
  return {{"latency", latencyPlot(ladder())},
          {"mountain", mountainPlot(mountain())},
          {"traversal", traversalPlot(traversal())},
          {"bandwidth", bandwidthPlot(bandwidth())}};
}

}  // namespace

TEST_CASE("probe plots lay out without problems from their minimum up to 1280x720", "[probe][plot]") {
  const TextWidthFn dejavu = cairoTextWidth();
  for (const auto& [name, plot] : builders())
    for (float font : {16.0f, 28.0f})
      for (const TextWidthFn* measure : {static_cast<const TextWidthFn*>(nullptr), &dejavu}) {
        const TextWidthFn m = measure ? *measure : TextWidthFn{};
        const Size min = minimumSize(plot, font, m);
        INFO(name << " at " << font << " px, minimum " << min.width << "x" << min.height);
        CHECK(min.width < 4096);
        const float w1 = std::max(min.width, 1280.0f), h1 = std::max(min.height, 720.0f);
        for (int i = 0; i <= 3; ++i)
          for (int j = 0; j <= 3; ++j) {
            const float w = std::round(min.width + (w1 - min.width) * float(i) / 3);
            const float h = std::round(min.height + (h1 - min.height) * float(j) / 3);
            const Frame f = layoutPlot(plot, w, h, font, m);
            std::ostringstream os;
            for (const std::string& p : layoutProblems(f)) os << p << '\n';
            INFO(w << "x" << h << "\n" << os.str());
            CHECK(layoutProblems(f).empty());
          }
      }
}

TEST_CASE("the ladder plot: log2 working set, level markers, predicted dashed", "[probe][plot]") {
  const Plot p = latencyPlot(ladder());
  CHECK(p.x.scale == Scale::Log2);
  REQUIRE(p.markers.size() == 3);
  CHECK(p.markers[0].x == 32768);
  CHECK(p.markers[1].label.find("L2") != std::string::npos);
  REQUIRE(p.series.size() == 4);  // random, random predicted, sequential, sequential predicted
  CHECK(!p.series[0].dashed);
  CHECK(p.series[1].dashed);
  CHECK(p.series[1].points.size() == p.series[0].points.size());
  const Plot b = bandwidthPlot(bandwidth());
  CHECK(b.x.categories == std::vector<std::string>{"L1d", "L2", "L3", "DRAM"});
  CHECK(b.series.size() == 2);
  CHECK(mountainPlot(mountain()).series.size() == 10);
}
