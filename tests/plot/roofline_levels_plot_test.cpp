// The per-level roofline plot: a slope per level roof labelled "L1d x GB/s",
// each traced kernel's points joined and tagged by level, an untraced one
// saying so, reasons in the legend; laid out without problems at 16 and 28 px.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "plot/cairo_render.hpp"
#include "plot/layout.hpp"
#include "plot/roofline_plot.hpp"

using namespace cachescope;
using namespace cachescope::plot;

namespace {

RooflineMachine machine() {
  RooflineMachine m;
  m.peakGflops = 98.9;
  m.bandwidthGBs = 14;
  m.threads = 1;
  m.simd = "avx2";
  m.levelRoofs = {{"L1d", 210}, {"L2", 85}, {"L3", 42}, {"DRAM", 17.5}};
  return m;
}

// naive, reordered, blocked at n=512 on a Zen 3 host, blas untraced.
std::vector<RooflineLevelKernel> kernels() {
  return {{"naive", 1.01, true, "L3", Roof::Fp32, {{"L1d", 0.25, ""}, {"L2", 0.0311, ""}, {"L3", 0.0311, ""}, {"DRAM", 85.3, ""}}},
          {"reordered", 9.66, true, "L3", Roof::Fp32, {{"L1d", 0.166, ""}, {"L2", 0.497, ""}, {"L3", 0.496, ""}, {"DRAM", 85.3, ""}}},
          {"blocked", 13.8, true, "L1d", Roof::Fp32, {{"L1d", 0.323, ""}, {"L2", 6.95, ""}, {"L3", 17.9, ""}, {"DRAM", 84.9, ""}}},
          {"blas", 67.1, false, "compute", Roof::Fp32, {{"DRAM", 85.3, ""}}}};
}

const Series* named(const Plot& p, const std::string& prefix) {
  for (const Series& s : p.series)
    if (s.name.rfind(prefix, 0) == 0) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("per-level roofline: a slope per level, each kernel's points joined", "[plot][roofline][levels]") {
  const Plot p = rooflineLevelsPlot(machine(), kernels());
  for (const char* roof : {"L1d x 210 GB/s", "L2 x 85.0 GB/s", "L3 x 42.0 GB/s", "DRAM x 17.5 GB/s"}) {
    const Series* s = named(p, roof);
    INFO(roof);
    REQUIRE(s);
    CHECK(s->dashed);
    REQUIRE(s->points.size() == 2);
    // The slope ends on the fp32 peak, at that level's ridge.
    CHECK(s->points[1].y == Approx(98.9));
    CHECK(s->points[0].y / s->points[0].x == Approx(s->points[1].y / s->points[1].x));
  }
  REQUIRE(named(p, "fp32 peak 99 GFLOP/s"));
  const Series* naive = named(p, "naive: L3 binds");
  REQUIRE(naive);
  CHECK(naive->kind == SeriesKind::Line);
  REQUIRE(naive->points.size() == 4);
  CHECK(std::is_sorted(naive->points.begin(), naive->points.end(), [](const Point& a, const Point& b) { return a.x < b.x; }));
  for (const Point& q : naive->points) CHECK(q.y == 1.01);
  // The dots: one unnamed Points series per level, in its roof's colour,
  // a dot for each traced kernel (blas has none).
  std::vector<const Series*> dots;
  for (const Series& s : p.series)
    if (s.name.empty()) dots.push_back(&s);
  REQUIRE(dots.size() == 4);
  for (const Series* d : dots) {
    CHECK(d->kind == SeriesKind::Points);
    CHECK(d->points.size() == 3);
    for (const Point& q : d->points) CHECK(q.label.empty());  // no text: the colour says the level
  }
  CHECK(dots[0]->color == named(p, "L1d x")->color);
  CHECK(dots[3]->color == named(p, "DRAM x")->color);
  CHECK(dots[3]->points[0].x == 85.3);
  const Series* blas = named(p, "blas (not traced: compulsory DRAM bytes)");
  REQUIRE(blas);
  CHECK(blas->kind == SeriesKind::Points);
  // Every point and roof end on the axes.
  for (const Series& s : p.series)
    for (const Point& q : s.points) {
      CHECK(q.x >= *p.x.min);
      CHECK(q.x <= *p.x.max);
      CHECK(q.y >= *p.y.min);
      CHECK(q.y <= *p.y.max);
    }
}

TEST_CASE("a point above its level's roof says why in the legend", "[plot][roofline][levels]") {
  std::vector<RooflineLevelKernel> k = kernels();
  k[0].points[2].reason = "sampled traffic";
  const Plot p = rooflineLevelsPlot(machine(), k);
  CHECK(named(p, "naive: L3 binds; above L3: sampled traffic"));
}

TEST_CASE("per-level roofline lays out without problems at 16 and 28 px", "[plot][roofline][levels][layout]") {
  const Plot p = rooflineLevelsPlot(machine(), kernels());
  const TextWidthFn dejavu = cairoTextWidth();
  for (float font : {16.0f, 28.0f}) {
    const Size min = minimumSize(p, font, dejavu);
    INFO(font << " px: minimum " << min.width << "x" << min.height);
    // Fits the Roofline view: at 28 px in a 1280x720 window the plot gets
    // the whole width and 20 lines (560 px), at 16 px in 1600x900 the width
    // beside the 22-em side panel and the height less the buttons.
    const float h28 = minimumHeight(p, 1240, 28, dejavu), h16 = minimumHeight(p, 1200, 16, dejavu);
    INFO("height at 1240 wide, 28 px: " << h28 << "; at 1200 wide, 16 px: " << h16);
    CHECK(h28 <= 560);
    CHECK(h16 <= 780);
    for (const auto& [w, h] : {std::pair{min.width, min.height}, std::pair{1240.0f, 560.0f}, std::pair{1000.0f, 700.0f},
                               std::pair{1560.0f, 760.0f}, std::pair{960.0f, 540.0f}}) {
      if (w < min.width || h < min.height) continue;
      const Frame f = layoutPlot(p, w, h, font, dejavu);
      std::ostringstream os;
      for (const std::string& s : layoutProblems(f)) os << s << '\n';
      INFO(w << "x" << h << "\n" << os.str());
      CHECK(layoutProblems(f).empty());
      // One point label: the untraced blas.
      CHECK(std::count_if(f.texts.begin(), f.texts.end(), [](const TextItem& t) { return t.role == TextRole::PointLabel; }) ==
            1);
    }
  }
}
