// The verdict of `tune --check` per point (DispatchCheckRow) and the
// dispatcher's pooled overhead: which ratio decides, on hand-made rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "bench/dispatch_tune.hpp"

using namespace cachescope;

namespace {

DispatchCheckRow row(double autoS, double bestS, double chosenS, double limit = 1.05) {
  DispatchCheckRow r;
  r.limit = limit;
  r.autoS = r.autoMinS = autoS;
  r.bestS = r.bestMinS = bestS;
  r.ratio = r.minRatio = autoS / bestS;
  if (chosenS > 0) {
    r.chosenS = r.chosenMinS = chosenS;
    r.choiceRatio = r.choiceMinRatio = chosenS / bestS;
  }
  return r;
}

}  // namespace

TEST_CASE("check: the ran kernel's own time decides, auto/best only without it", "[bench][dispatch]") {
  // Auto ran the fastest kernel; its own timing came out 12% slower (noise
  // of two timings of one code): the choice is right, the point passes.
  const DispatchCheckRow same = row(1.12e-3, 1.0e-3, 1.0e-3);
  CHECK(same.decidingRatio() == Approx(1.0));
  CHECK(same.pass());
  // Auto ran a kernel 1.3x slower than the fastest: a wrong choice fails,
  // even when auto's own timing happened to come out fast.
  const DispatchCheckRow wrong = row(1.0e-3, 1.0e-3, 1.3e-3);
  CHECK(wrong.decidingRatio() == Approx(1.3));
  CHECK_FALSE(wrong.pass());
  // Between tuned points the limit is 10%.
  CHECK(row(1.0e-3, 1.0e-3, 1.08e-3, 1.10).pass());
  CHECK_FALSE(row(1.0e-3, 1.0e-3, 1.12e-3, 1.10).pass());
  // The chosen kernel not timed here: auto/best decides.
  const DispatchCheckRow untimed = row(1.2e-3, 1.0e-3, 0);
  CHECK(untimed.decidingRatio() == Approx(1.2));
  CHECK_FALSE(untimed.pass());
  // Either estimate within the limit passes: the fastest rounds' ratio here.
  DispatchCheckRow mixed = row(1.0e-3, 1.0e-3, 1.2e-3);
  mixed.chosenMinS = 0.9e-3;
  mixed.choiceMinRatio = mixed.chosenMinS / mixed.bestMinS;
  CHECK(mixed.pass());
}

TEST_CASE("check: the dispatcher's overhead is the geometric mean of auto over the kernel it ran",
          "[bench][dispatch]") {
  // 1.21x and 1/1.1x: geometric mean sqrt(1.1); the row without a timed choice is
  // left out.
  const std::vector<DispatchCheckRow> rows = {row(1.21e-3, 1.0e-3, 1.0e-3), row(1.0e-3, 1.0e-3, 1.1e-3),
                                              row(5.0e-3, 1.0e-3, 0)};
  const DispatchOverhead o = dispatchOverhead(rows);
  CHECK(o.rows == 2);
  CHECK(o.geomean == Approx(std::sqrt(1.21 / 1.1)));
  CHECK(o.geomean > kDispatchOverheadLimit);
  const DispatchOverhead none = dispatchOverhead({row(1.0e-3, 1.0e-3, 0)});
  CHECK(none.rows == 0);
  CHECK(none.geomean == 1.0);
}

TEST_CASE("tune: close points get a head-to-head pass that decides them; none with the pass off",
          "[bench][dispatch]") {
  TuneSpec spec;
  spec.n = {16, 24};
  spec.threads = {1};
  spec.bits = {32};
  spec.density = {};
  auto tune = [&](double factor, std::vector<std::string>& lines) {
    spec.contestFactor = factor;
    return tuneDispatch(spec, RunOptions{0, 3, 0.0005}, [&](const TuneProgress& p) { lines.push_back(p.what); });
  };
  // Every candidate within a huge factor of the winner: every point with two
  // or more candidates is timed again, each candidate once more per point.
  std::vector<std::string> all;
  const DispatchTable wide = tune(1e9, all);
  REQUIRE(wide.points.size() == 2);
  std::size_t contenders = 0;
  for (const DispatchPoint& p : wide.points) {
    REQUIRE(p.timesS.size() >= 2);
    contenders += p.timesS.size();
    // The winner is the fastest of the times the table keeps (those of the pass).
    for (const auto& [id, s] : p.timesS) CHECK(p.timesS.at(p.winner) <= s);
  }
  const auto headToHead = std::count_if(all.begin(), all.end(), [](const std::string& w) {
    return w.rfind("head to head: ", 0) == 0;
  });
  CHECK(std::size_t(headToHead) == contenders);
  // The pass off: no head-to-head line.
  std::vector<std::string> none;
  tune(1.0, none);
  CHECK(std::none_of(none.begin(), none.end(), [](const std::string& w) { return w.rfind("head to head: ", 0) == 0; }));
}

TEST_CASE("tune: a kernel's head-to-head rounds are pooled over the points where its run is the same",
          "[bench][dispatch]") {
  TuneSpec spec;
  spec.n = {24};
  spec.threads = {1};
  spec.bits = {32};
  spec.density = {0.5};  // and 1
  spec.contestFactor = 1e9;  // every candidate in every contest
  const DispatchTable t = tuneDispatch(spec, RunOptions{0, 3, 0.0005});
  REQUIRE(t.points.size() == 2);
  const DispatchPoint& dense = t.points[0].density == 1.0 ? t.points[0] : t.points[1];
  const DispatchPoint& half = t.points[0].density == 1.0 ? t.points[1] : t.points[0];
  REQUIRE(half.density == 0.5);
  int shared = 0;
  for (const auto& [id, s] : dense.timesS) {
    const Kernel* k = findKernel(id);
    REQUIRE(k != nullptr);
    if (k->uses(Param::Density) || !half.timesS.count(id)) continue;
    // One run, one time: the median of both contests' rounds.
    INFO(id);
    CHECK(half.timesS.at(id) == s);
    ++shared;
  }
  CHECK(shared >= 2);
  for (const DispatchPoint* p : {&dense, &half})
    for (const auto& [id, s] : p->timesS) CHECK(p->timesS.at(p->winner) <= s);
}

TEST_CASE("tune: a point's contest holds the candidates within the factor and its neighbours' winners",
          "[bench][dispatch]") {
  auto point = [](int n, double d, std::map<std::string, double> times) {
    DispatchPoint p;
    p.bits = 32;
    p.threads = 2;
    p.n = n;
    p.density = d;
    p.timesS = std::move(times);
    p.winner = std::min_element(p.timesS.begin(), p.timesS.end(), [](auto& a, auto& b) { return a.second < b.second; })
                   ->first;
    return p;
  };
  // CSR timed 2x slow at (128, 0.7) by a burst; it won at 0.5 and at 1.
  std::vector<DispatchPoint> pts = {
      point(128, 0.5, {{"matmul.blas", 32e-6}, {"matmul.sparse", 14e-6}}),
      point(128, 0.7, {{"matmul.blas", 32e-6}, {"matmul.parallel", 33e-6}, {"matmul.sparse", 60e-6}, {"matmul.naive", 900e-6}}),
      point(128, 1.0, {{"matmul.blas", 32e-6}, {"matmul.sparse", 29e-6}}),
      point(96, 0.7, {{"matmul.simd", 9e-6}, {"matmul.blas", 10e-6}}),
      point(256, 0.7, {{"matmul.parallel", 150e-6}, {"matmul.blas", 160e-6}}),
      point(192, 0.3, {{"matmul.naive", 1e-6}}),  // neither the same n nor the same density: not a neighbour
  };
  pts.push_back(point(128, 0.5, {{"matmul.naive", 1e-9}}));  // another thread count: not a neighbour
  pts.back().threads = 1;
  std::vector<std::string> ids = tuneContestants(pts, pts[1], 1.5);
  std::sort(ids.begin(), ids.end());
  // blas and parallel within 1.5x; sparse as the winner at 0.5 and 1; simd
  // (n=96's winner) has no time here; naive is 28x slower and won no neighbour.
  CHECK(ids == std::vector<std::string>{"matmul.blas", "matmul.parallel", "matmul.sparse"});
  // At (96, 0.7) blas is 1.11x slower than simd but won the n above (128).
  std::vector<std::string> below = tuneContestants(pts, pts[3], 1.05);
  std::sort(below.begin(), below.end());
  CHECK(below == std::vector<std::string>{"matmul.blas", "matmul.simd"});
  // A lone candidate has no contest; a factor <= 1: none.
  CHECK(tuneContestants(pts, pts[5], 1.5).empty());
  CHECK(tuneContestants(pts, pts[1], 1.0).empty());
  // Only the nearest n on each side counts: at (256, 0.7) the one below is 128.
  std::vector<std::string> far = tuneContestants(pts, pts[4], 1.01);
  std::sort(far.begin(), far.end());
  CHECK(far == std::vector<std::string>{"matmul.blas", "matmul.parallel"});
}
