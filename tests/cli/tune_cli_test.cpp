// `cachescope tune` on a tiny grid (the table it writes is valid and the
// dispatcher then uses it), `tune --check`, the who-wins map of `bench
// --who-wins --plot` and `tune --plot`, and their usage errors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "kernels/dispatch.hpp"

namespace fs = std::filesystem;
using cachescope::test::requireUsageError;
using cachescope::test::runCli;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("cachescope-tune-cli-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

struct TableEnv {
  explicit TableEnv(const std::string& path) { ::setenv("CACHESCOPE_DISPATCH_TABLE", path.c_str(), 1); }
  ~TableEnv() { ::unsetenv("CACHESCOPE_DISPATCH_TABLE"); }
};

}  // namespace

TEST_CASE("tune on a tiny grid writes a valid table that matmul.auto then uses", "[cli][tune]") {
  TempDir dir;
  const std::string table = (dir.path / "dispatch.json").string();
  const auto r = runCli({"tune", "--n", "16,32", "--threads", "1", "--bits", "32,4", "--density", "0.1", "--reps",
                         "1", "--warmup", "0", "--out", table, "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("winner") != std::string::npos);
  CHECK(r.err.find("wrote " + table) != std::string::npos);
  const cachescope::DispatchTable t = cachescope::parseDispatchTable(slurp(table), table);
  // bits 32 at density 0.1 and 1, bits 4 at density 1; two sizes each.
  CHECK(t.points.size() == 6);
  CHECK(t.minSampleS == Approx(0.002));  // the protocol is recorded (kTuneMinSampleS)
  CHECK(t.warmup == 2);  // batching calibrates on two warmup runs even with --warmup 0
  CHECK(cachescope::hostMismatch(t.host, cachescope::currentDispatchHost()).empty());

  TableEnv env(table);
  const auto b = runCli({"bench", "--kernels", "matmul.auto", "--n", "16", "--reps", "1", "--format", "json",
                         "--quiet"});
  INFO(b.err);
  REQUIRE(b.code == 0);
  const auto j = nlohmann::json::parse(b.out);
  const auto& res = j["results"][0];
  REQUIRE(res.contains("chosen"));
  const std::string reason = res["chosen"]["reason"];
  CHECK(reason.find("tuned at n=16 threads=1 density=1 (dispatch.json)") != std::string::npos);
  const std::string chosen = res["chosen"]["kernel"];
  CHECK(reason.rfind(chosen + ":", 0) == 0);
  // The winner of that point, as tune measured it.
  for (const auto& p : t.points)
    if (p.bits == 32 && p.n == 16 && p.density == 1.0) CHECK(p.winner == chosen);

  // The table also shows the choice, with the reason under it.
  const auto tab = runCli({"bench", "--kernels", "matmul.auto", "--n", "24", "--reps", "1", "--quiet"});
  CHECK(tab.code == 0);
  CHECK(tab.out.find("ran matmul.auto") != std::string::npos);
  CHECK(tab.out.find("between tuned n=16 and 32") != std::string::npos);

  // list says which table the dispatcher uses.
  const auto list = runCli({"list"});
  CHECK(list.out.find("dispatch table " + table) != std::string::npos);

  // The check runs on that table: every tuned point and the ones between.
  const auto check = runCli({"tune", "--check", "--out", table, "--reps", "1", "--warmup", "0", "--quiet"});
  INFO(check.err);
  REQUIRE(check.code == 0);
  CHECK(check.out.find("auto/best") != std::string::npos);
  CHECK(check.out.find("between") != std::string::npos);
  CHECK(check.out.find("ran/best") != std::string::npos);
  CHECK(check.out.find("dispatch overhead: auto / the kernel it ran") != std::string::npos);
  CHECK((check.out.find("PASS") != std::string::npos || check.out.find("FAIL") != std::string::npos));

  // --plot of a table: the who-wins maps.
  const std::string svg = (dir.path / "map.svg").string();
  const auto plotted = runCli({"tune", "--check", "--out", table, "--reps", "1", "--warmup", "0", "--quiet",
                               "--plot", svg});
  REQUIRE(plotted.code == 0);
  const std::string text = slurp(svg);
  CHECK(text.find("class=\"cell\"") != std::string::npos);
  CHECK(text.find("Who wins where") != std::string::npos);
}

TEST_CASE("tune and bench --who-wins reject bad input with one line and exit 2", "[cli][tune]") {
  TempDir dir;
  requireUsageError({"tune", "--n", "0", "--out", (dir.path / "a.json").string()}, "--n must be > 0");
  requireUsageError({"tune", "--bits", "16", "--out", (dir.path / "a.json").string()}, "--bits must be 32, 8 or 4");
  requireUsageError({"tune", "--density", "2", "--out", (dir.path / "a.json").string()}, "--density must be in (0, 1]");
  requireUsageError({"tune", "--threads", "999", "--out", (dir.path / "a.json").string()}, "--threads must be in 1..");
  requireUsageError({"tune", "--reps", "0"}, "--reps must be >= 1");
  requireUsageError({"tune", "--check", "--out", (dir.path / "none.json").string()}, "none.json");
  requireUsageError({"tune", "--check", "--n", "64", "--out", (dir.path / "none.json").string()},
                    "--check measures the points of the table");
  std::ofstream(dir.path / "bad.json") << "{\"format\": \"cachescope-dispatch\", \"version\": 1}";
  requireUsageError({"tune", "--check", "--out", (dir.path / "bad.json").string()}, "bad.json: bad field");
  requireUsageError({"tune", "--plot", (dir.path / "x.txt").string(), "--out", (dir.path / "a.json").string()},
                    "--plot");
  requireUsageError({"bench", "--kernels", "matmul.simd,matmul.blas", "--n", "16,32", "--threads", "1", "--who-wins"},
                    "--who-wins draws the map into --plot");
  requireUsageError({"bench", "--kernels", "matmul.simd,matmul.blas", "--n", "16", "--density", "0.1,1",
                     "--who-wins", "--plot", (dir.path / "m.svg").string()},
                    "--who-wins needs two or more --kernels, two or more --n");
  CHECK_FALSE(fs::exists(dir.path / "a.json"));
}

TEST_CASE("bench --who-wins --plot draws the density x n map of sparse against dense", "[cli][tune]") {
  TempDir dir;
  const std::string svg = (dir.path / "who.svg").string();
  const auto r = runCli({"bench", "--kernels", "matmul.sparse,matmul.simd", "--n", "16,32", "--density", "0.05,0.5",
                         "--reps", "1", "--warmup", "0", "--quiet", "--who-wins", "--plot", svg});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string text = slurp(svg);
  CHECK(text.find("class=\"cell\"") != std::string::npos);
  CHECK(text.find("density of A") != std::string::npos);
  CHECK(text.find("Sparse A (CSR) x dense B (sparse)") != std::string::npos);
}
