// The dispatch table of matmul.auto: its file (parse, validate, refuse
// another host's), the choice (tuned point, between points, beyond, nearest
// threads, the heuristic) and the kernel itself (reports its choice, runs it
// on the pruned A at density < 1).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "kernels/dispatch.hpp"
#include "kernels/registry.hpp"

using namespace cachescope;

namespace {

DispatchPoint point(int n, int threads, double density, std::map<std::string, double> times, int bits = 32) {
  DispatchPoint p;
  p.bits = bits;
  p.n = n;
  p.threads = threads;
  p.density = density;
  p.timesS = std::move(times);
  p.winner = std::min_element(p.timesS.begin(), p.timesS.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  return p;
}

// simd fastest at n=64, blas at n=256: blas's time falls relative to simd's.
DispatchTable smallTable() {
  DispatchTable t;
  t.host = currentDispatchHost();
  t.date = "2026-12-02T00:00:00Z";
  t.points.push_back(point(64, 1, 1.0, {{"matmul.simd", 1.0e-4}, {"matmul.blas", 2.0e-4}}));
  t.points.push_back(point(256, 1, 1.0, {{"matmul.simd", 1.6e-2}, {"matmul.blas", 2.0e-3}}));
  t.points.push_back(point(64, 2, 1.0, {{"matmul.parallel", 5.0e-5}, {"matmul.blas", 2.0e-4}}));
  t.points.push_back(point(256, 2, 1.0, {{"matmul.parallel", 4.0e-3}, {"matmul.blas", 1.0e-3}}));
  return t;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/cachescope-dispatch-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

struct TableEnv {
  explicit TableEnv(const std::string& path) { ::setenv("CACHESCOPE_DISPATCH_TABLE", path.c_str(), 1); }
  ~TableEnv() { ::unsetenv("CACHESCOPE_DISPATCH_TABLE"); }
};

bool hasId(const std::vector<const Kernel*>& ks, const std::string& id) {
  return std::any_of(ks.begin(), ks.end(), [&](const Kernel* k) { return k->info.id == id; });
}

}  // namespace

TEST_CASE("dispatch candidates: fp32 dense and sparse, quantized by width", "[kernels][dispatch]") {
  const auto dense = dispatchCandidates(32, 1.0);
  CHECK(hasId(dense, "matmul.packed"));
  CHECK(hasId(dense, "matmul.blas"));
  CHECK(hasId(dense, "matmul.naive"));
  CHECK(hasId(dense, "matmul.sparse"));  // timed at density 1 too: the end of its interpolation
  CHECK_FALSE(hasId(dense, "matmul.int8"));
  CHECK_FALSE(hasId(dense, "matmul.auto"));
  CHECK(hasId(dispatchCandidates(32, 0.1), "matmul.sparse"));
  const auto four = dispatchCandidates(4, 1.0);
  CHECK(hasId(four, "matmul.int8"));
  CHECK(hasId(four, "matmul.int4"));
  CHECK_FALSE(hasId(dispatchCandidates(8, 1.0), "matmul.int4"));
}

TEST_CASE("a dispatch table survives its file format", "[kernels][dispatch]") {
  DispatchTable t = smallTable();
  t.minSampleS = 0.002;
  const DispatchTable back = parseDispatchTable(dispatchTableJson(t), "t.json");
  CHECK(back.host == t.host);
  CHECK(back.minSampleS == Approx(0.002));
  REQUIRE(back.points.size() == t.points.size());
  CHECK(back.points[1].winner == "matmul.blas");
  CHECK(back.points[1].timesS.at("matmul.simd") == Approx(1.6e-2));
}

TEST_CASE("a bad dispatch table file is refused with the file and the reason", "[kernels][dispatch]") {
  auto err = [](const std::string& text) {
    try {
      parseDispatchTable(text, "my.json");
    } catch (const DispatchTableError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK_THAT(err("{not json"), Catch::StartsWith("my.json: not JSON"));
  CHECK_THAT(err("{\"format\": \"x\"}"), Catch::StartsWith("my.json: not a dispatch table"));
  std::string good = dispatchTableJson(smallTable());
  std::string version = good;
  version.replace(version.find("\"version\": 1"), 12, "\"version\": 9");
  CHECK_THAT(err(version), Catch::Contains("unsupported version"));
  std::string unknown = good;
  unknown.replace(unknown.find("matmul.simd"), 11, "matmul.nope");
  CHECK_THAT(err(unknown), Catch::Contains("'matmul.nope' is not a candidate"));
  std::string winner = good;
  winner.replace(winner.rfind("\"winner\": \"matmul.blas\""), 23, "\"winner\": \"matmul.parallel\"");
  CHECK_THAT(err(winner), Catch::Contains("is not the fastest"));
  DispatchTable twice = smallTable();
  twice.points.push_back(twice.points.front());
  CHECK_THAT(err(dispatchTableJson(twice)), Catch::Contains("point 5: the same"));
  std::string noHost = good;
  noHost.replace(noHost.find("\"cpu\""), 5, "\"cpx\"");
  CHECK_THAT(err(noHost), Catch::StartsWith("my.json: bad field"));
}

TEST_CASE("loading: a missing, broken or other host's table gives a reason, and the heuristic applies",
          "[kernels][dispatch]") {
  TempDir dir;
  LoadedDispatchTable missing = loadDispatchTable((dir.path / "none.json").string());
  CHECK_FALSE(missing.table);
  CHECK_THAT(missing.problem, Catch::Contains("no dispatch table at") && Catch::Contains("none.json"));

  const std::string broken = dir.write("broken.json", "{");
  LoadedDispatchTable b = loadDispatchTable(broken);
  CHECK_FALSE(b.table);
  CHECK_THAT(b.problem, Catch::StartsWith(broken + ": not JSON"));
  const DispatchChoice fallback = chooseKernel(Params{256}, b);
  CHECK_FALSE(fallback.tuned);
  CHECK_THAT(fallback.reason, Catch::Contains("heuristic") && Catch::Contains("broken.json"));

  DispatchTable other = smallTable();
  other.host.cpu = "Imaginary CPU 9000";
  const std::string otherPath = dir.write("other.json", dispatchTableJson(other));
  LoadedDispatchTable o = loadDispatchTable(otherPath);
  CHECK_FALSE(o.table);
  CHECK_THAT(o.problem, Catch::Contains("not for this host") && Catch::Contains("Imaginary CPU 9000"));

  const std::string goodPath = dir.write("good.json", dispatchTableJson(smallTable()));
  LoadedDispatchTable g = loadDispatchTable(goodPath);
  REQUIRE(g.table);
  CHECK(g.problem.empty());
  CHECK(chooseKernel(Params{256}, g).tuned);
}

TEST_CASE("choice from a table: tuned point, between points by log-log time, beyond, nearest threads",
          "[kernels][dispatch]") {
  const DispatchTable t = smallTable();
  auto pick = [&](int n, int threads) {
    Params p{n};
    p.threads = threads;
    std::optional<DispatchChoice> c = tableChoice(t, p, "/x/dispatch.json");
    REQUIRE(c);
    REQUIRE(c->kernel);
    return *c;
  };
  DispatchChoice at = pick(256, 1);
  CHECK(at.kernel->info.id == "matmul.blas");
  CHECK(at.reason == "matmul.blas: tuned at n=256 threads=1 (dispatch.json)");
  CHECK(pick(64, 1).kernel->info.id == "matmul.simd");
  // simd 0.1 ms -> 16 ms, blas 0.2 ms -> 2 ms over n 64 -> 256: in log-log,
  // simd is predicted 1.26 ms at n=128 and blas 0.63 ms, blas wins; at
  // n=70 (t=0.065) simd's 0.14 ms beats blas's 0.23 ms.
  DispatchChoice mid = pick(128, 1);
  CHECK(mid.kernel->info.id == "matmul.blas");
  CHECK_THAT(mid.reason, Catch::Contains("between tuned n=64 and 256") && Catch::Contains("predicted"));
  CHECK(pick(70, 1).kernel->info.id == "matmul.simd");
  DispatchChoice beyond = pick(2048, 1);
  CHECK(beyond.kernel->info.id == "matmul.blas");
  CHECK_THAT(beyond.reason, Catch::Contains("beyond the tuned n"));
  CHECK(pick(16, 1).kernel->info.id == "matmul.simd");
  // Two threads tuned: parallel wins at 64; 4 threads is not tuned: nearest is 2.
  CHECK(pick(64, 2).kernel->info.id == "matmul.parallel");
  DispatchChoice four = pick(64, 4);
  CHECK(four.kernel->info.id == "matmul.parallel");
  CHECK_THAT(four.reason, Catch::Contains("nearest tuned to 4"));
  // No point of that width: no choice from the table.
  Params eight{64};
  eight.bits = 8;
  CHECK_FALSE(tableChoice(t, eight, "x"));
}

TEST_CASE("choice between densities interpolates the sparse kernel's time", "[kernels][dispatch]") {
  DispatchTable t;
  t.host = currentDispatchHost();
  // Dense 1 ms at every density; sparse 0.2 ms at 0.01, 5 ms at 0.25.
  for (double d : {0.01, 0.25, 1.0}) {
    std::map<std::string, double> times = {{"matmul.blas", 1e-3}};
    if (d < 1) times["matmul.sparse"] = d == 0.01 ? 2e-4 : 5e-3;
    t.points.push_back(point(128, 1, d, times));
    t.points.push_back(point(256, 1, d, times));
  }
  auto at = [&](double density) {
    Params p{181};
    p.density = density;
    return tableChoice(t, p, "x")->kernel->info.id;
  };
  // log-log: sparse crosses 1 ms at density 0.01 * 25^(log(5)/log(25)) = 0.05.
  CHECK(at(0.03) == "matmul.sparse");
  CHECK(at(0.1) == "matmul.blas");
  CHECK(at(0.5) == "matmul.blas");
}

TEST_CASE("the heuristic: int8 for 8 and 4 bits, sparse when very sparse, SIMD when small, else the library",
          "[kernels][dispatch]") {
  auto id = [](Params p) { return heuristicChoice(p).kernel->info.id; };
  Params p{256};
  CHECK(id(p) == "matmul.blas");
  p.n = 100;
  CHECK(id(p) == "matmul.simd");
  p.n = 256;
  p.density = 0.01;
  CHECK(id(p) == "matmul.sparse");
  p.density = 0.5;
  CHECK(id(p) == "matmul.blas");
  p.bits = 8;
  CHECK(id(p) == "matmul.int8");
  p.bits = 4;
  CHECK(id(p) == "matmul.int8");
  CHECK_THAT(heuristicChoice(Params{256}, "no table").reason,
             Catch::StartsWith("matmul.blas: heuristic: n >= 128") && Catch::EndsWith("(no table)"));
}

TEST_CASE("matmul.auto reports its choice and runs it, on the pruned A below density 1", "[kernels][dispatch]") {
  const Kernel* autoK = findKernel("matmul.auto");
  REQUIRE(autoK);
  TempDir dir;
  TableEnv env(dir.write("t.json", dispatchTableJson(smallTable())));
  const int n = 64;
  Problem problem = makeProblem(Family::Matmul, n);
  std::unique_ptr<Prepared> p = autoK->prepare(problem, Params{n});
  REQUIRE(p->choice());
  CHECK(p->choice()->kernel == "matmul.simd");
  CHECK(p->choice()->reason == "matmul.simd: tuned at n=64 threads=1 (t.json)");
  p->run();
  CHECK(compareOutputs(p->output(), p->expected()).maxAbs <= p->tolerance());

  // Density 0.3, a table tuned at density 1 only: its dense pick
  // multiplies the pruned A, i.e. the sparse kernel's product.
  Params sparse{n};
  sparse.density = 0.3;
  std::unique_ptr<Prepared> q = autoK->prepare(problem, sparse);
  q->run();
  std::unique_ptr<Prepared> ref = findKernel("matmul.sparse")->prepare(problem, sparse);
  CHECK(compareOutputs(q->output(), ref->expected()).maxAbs <= q->tolerance());
  REQUIRE(q->storedNonzeros());
  CHECK(*q->storedNonzeros() == *ref->storedNonzeros());

  Params bad{n};
  bad.threads = 0;
  CHECK_THROWS_AS(autoK->prepare(problem, bad), std::invalid_argument);
  REQUIRE(autoK->info.status);
  CHECK_THAT(autoK->info.status(), Catch::Contains("t.json") && Catch::Contains("4 points"));
}
