// The who-wins map: which kernel wins each cell, given records; records
// without a parameter count at every value of it; a dispatcher's records do
// not compete; the plot has a cell per point, a legend by title, labels
// that fit and no layout problems.
#include <catch2/catch.hpp>

#include "plot/layout.hpp"
#include "plot/who_wins.hpp"

using namespace cachescope;
using namespace cachescope::plot;

namespace {

BenchRecord rec(const std::string& kernel, int n, double s, std::optional<int> threads = std::nullopt,
                std::optional<double> density = std::nullopt) {
  BenchRecord r;
  r.kernel = kernel;
  r.n = n;
  r.threads = threads;
  r.density = density;
  r.medianS = s;
  r.unit = "GFLOP/s";
  return r;
}

}  // namespace

TEST_CASE("who wins: the lowest median per n x threads cell, single-thread kernels in every row", "[plot][whowins]") {
  std::vector<BenchRecord> rs = {
      rec("matmul.simd", 32, 1.0e-5),  rec("matmul.simd", 256, 8.0e-3),  // ignores threads
      rec("matmul.blas", 32, 3.0e-5, 1), rec("matmul.blas", 256, 2.0e-3, 1),
      rec("matmul.blas", 32, 2.0e-5, 2), rec("matmul.blas", 256, 1.0e-3, 2),
  };
  BenchRecord dispatcher = rec("matmul.auto", 32, 1.0e-7, 1);  // would win everything, but is no single kernel
  dispatcher.chosenKernel = "matmul.simd";
  rs.push_back(dispatcher);
  BenchRecord failed = rec("matmul.packed", 256, 1.0e-9, 1);
  failed.outcome = Outcome::Failed;
  rs.push_back(failed);

  WhoWinsFilter f;
  f.bits = 32;
  f.density = 1.0;
  const WhoWinsMap m = whoWins(rs, SweepAxis::N, SweepAxis::Threads, f);
  REQUIRE(m.xs == std::vector<double>{32, 256});
  REQUIRE(m.ys == std::vector<double>{1, 2});
  auto at = [&](std::size_t y, std::size_t x) { return m.kernels[std::size_t(m.winner[y][x])]; };
  CHECK(at(0, 0) == "matmul.simd");
  CHECK(at(1, 0) == "matmul.simd");
  CHECK(at(0, 1) == "matmul.blas");
  CHECK(at(1, 1) == "matmul.blas");
  CHECK(m.margin[0][0] == Approx(3.0));
  CHECK(m.runnerUp[1][1] == "matmul.simd");
  CHECK(m.margin[1][1] == Approx(8.0));

  const Plot p = whoWinsPlot(m, {{"matmul.simd", "SIMD loop"}, {"matmul.blas", "Library"}});
  CHECK(p.cells.size() == 4);
  REQUIRE(p.series.size() == 2);
  CHECK(p.series[0].name == "SIMD loop (simd)");
  CHECK(p.x.categories == std::vector<std::string>{"32", "256"});
  CHECK(p.y.categories == std::vector<std::string>{"1", "2"});
  for (float font : {15.0f, 28.0f}) {
    const Frame fr = layoutPlot(p, 1200, 700, font);
    INFO("font " << font);
    CHECK(layoutProblems(fr).empty());
    CHECK(fr.cells.size() == 4);
    CHECK(fr.textsOf(TextRole::CellLabel).size() == 8);  // name and lead in every cell
    for (const CellBox& c : fr.cells) CHECK(c.rect.width() > 0);
  }
}

TEST_CASE("who wins: density x n, dense kernels count at every density", "[plot][whowins]") {
  std::vector<BenchRecord> rs = {
      rec("matmul.blas", 128, 1.0e-3, 1),
      rec("matmul.sparse", 128, 2.0e-4, 1, 0.01),
      rec("matmul.sparse", 128, 4.0e-3, 1, 0.2),
      rec("matmul.blas", 512, 5.0e-2, 1),
      rec("matmul.sparse", 512, 1.0e-2, 1, 0.01),
      rec("matmul.sparse", 512, 2.0e-1, 1, 0.2),
  };
  const std::vector<Plot> plots = whoWinsPlots(rs, {});
  // n x threads at density 1 (blas alone), and density x n at 1 thread.
  REQUIRE(plots.size() == 2);
  const Plot& d = plots[1];
  CHECK(d.y.label == "density of A");
  REQUIRE(d.cells.size() == 4);
  WhoWinsFilter f;
  f.bits = 32;
  f.threads = 1;
  const WhoWinsMap m = whoWins(rs, SweepAxis::N, SweepAxis::Density, f);
  REQUIRE(m.ys == std::vector<double>{0.01, 0.2});
  CHECK(m.kernels[std::size_t(m.winner[0][0])] == "matmul.sparse");
  CHECK(m.kernels[std::size_t(m.winner[1][0])] == "matmul.blas");
  CHECK(m.kernels[std::size_t(m.winner[1][1])] == "matmul.blas");
  CHECK(layoutProblems(layoutPlot(d, 960, 540, 15)).empty());
  // One size only: nothing to map.
  CHECK(whoWinsPlots({rs[0], rs[1]}, {}).empty());
}

TEST_CASE("who wins: a cell too narrow for the kernel's name keeps its lead, the colour naming the winner",
          "[plot][whowins]") {
  // Eleven sizes, as `tune` measures: at 28 px text in a 1280 px window a
  // cell is about 90 px wide, too narrow for "packed" but not for "1.25x".
  std::vector<BenchRecord> rs;
  const std::vector<int> ns = {32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
  for (int n : ns) {
    rs.push_back(rec("matmul.packed", n, 1.0e-3, 1));
    rs.push_back(rec("matmul.blockedsimd", n, 1.25e-3, 1));
  }
  WhoWinsFilter f;
  f.bits = 32;
  f.density = 1.0;
  const Plot p = whoWinsPlot(whoWins(rs, SweepAxis::N, SweepAxis::Threads, f), {});
  REQUIRE(p.cells.size() == ns.size());
  CHECK(p.cells[0].shortLabel == "1.25x");
  const Frame wide = layoutPlot(p, 2400, 700, 15);
  CHECK(layoutProblems(wide).empty());
  CHECK(wide.textsOf(TextRole::CellLabel).size() == 2 * ns.size());  // name and lead
  const Frame hall = layoutPlot(p, 1400, 500, 28);
  CHECK(layoutProblems(hall).empty());
  const auto labels = hall.textsOf(TextRole::CellLabel);
  UNSCOPED_INFO("cell " << hall.cells[0].rect.width() << " x " << hall.cells[0].rect.height() << " lead " << textWidth("1.25x", 28) << " name " << textWidth("packed", 28));
  REQUIRE(labels.size() == ns.size());  // the lead alone, in every cell
  for (const TextItem* t : labels) CHECK(t->text == "1.25x");
}
