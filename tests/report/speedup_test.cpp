// Speedups against a baseline compare records of the same problem only.
#include <catch2/catch.hpp>

#include "report/speedup.hpp"

using namespace cachescope;

namespace {

BenchRecord rec(const std::string& kernel, int n, double work, double medianS) {
  BenchRecord r;
  r.kernel = kernel;
  r.n = n;
  r.work = work;
  r.medianS = medianS;
  return r;
}

}  // namespace

TEST_CASE("speedupOver compares a kernel with the baseline of the same problem only", "[report][speedup]") {
  const double n = 256, matmul = 2 * n * n * n, relu = 8 * n * n;
  const std::vector<BenchRecord> all{rec("matmul.naive", 256, matmul, 1.0), rec("matmul.blocked", 256, matmul, 0.05),
                                     rec("relu.naive", 256, relu, 0.001), rec("matmul.naive", 128, matmul / 8, 0.1)};
  const std::optional<double> blocked = speedupOver(all[1], all, "matmul.naive");
  REQUIRE(blocked);
  CHECK(*blocked == Approx(20.0));
  // Same n, another problem: no speedup (the old rule matched on n alone and gave 1000x).
  CHECK_FALSE(speedupOver(all[2], all, "matmul.naive"));
  CHECK(baselineRecord(all[2], all, "matmul.naive") == nullptr);
  CHECK(speedupOver(all[3], all, "matmul.naive") == Approx(1.0));
}

TEST_CASE("a sparse record is the same problem as the dense kernels through its dense-equivalent work",
          "[report][speedup]") {
  const double n = 256, matmul = 2 * n * n * n;
  BenchRecord sparse = rec("matmul.sparse", 256, matmul * 0.1, 0.2);
  sparse.denseEquivalentRate = matmul / 0.2 / 1e9;
  const std::vector<BenchRecord> all{rec("matmul.naive", 256, matmul, 1.0), sparse};
  CHECK(sameProblem(all[0], all[1]));
  CHECK(denseWork(all[1]) == Approx(matmul));
  CHECK(speedupOver(all[1], all, "matmul.naive") == Approx(5.0));
}
