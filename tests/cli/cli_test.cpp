// The command line as a script would use it: exit codes, one-line errors,
// output formats. Runs runCommandLine in-process with captured streams.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bench/param_list.hpp"
#include "cachesim/config.hpp"
#include "cli/run_cli.hpp"
#include "engine/settings.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"
#include "trace/errors.hpp"

namespace fs = std::filesystem;

namespace {

using Result = cachescope::test::CliResult;

Result run(std::vector<std::string> args) { return cachescope::test::runCli(std::move(args)); }

using cachescope::test::requireUsageError;

// An n whose three n x n fp32 matrices (A, B, C of matmul.naive) need twice
// the memory this machine has available right now, so the plan must refuse
// it on any machine (a fixed n is refused only below some memory size).
int tooLargeN() {
  const std::uint64_t available = cachescope::availableMemoryBytes();
  REQUIRE(available > 0);  // unknown memory would skip the check and run the sweep
  const double n = std::ceil(std::sqrt(2.0 * double(available) / (3.0 * sizeof(float)))) + 1;
  REQUIRE(n < 2147483647.0);
  return int(n);
}

}  // namespace

TEST_CASE("bench rejects bad input with one line and exit 2", "[cli]") {
  requireUsageError({"bench", "--kernels", "matmul.blokced"}, "did you mean 'matmul.blocked'");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "0"}, "--n must be > 0");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "-5"}, "--n must be > 0");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", std::to_string(tooLargeN())}, "available");
  requireUsageError({"bench", "--kernels", "matmul.blocked", "--block", "0"}, "--block must be > 0");
  requireUsageError({"bench", "--kernels", "matmul.blas", "--threads", "0"}, "--threads must be > 0");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--bits", "12"}, "--bits must be 32, 16, 8 or 4");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--density", "0"}, "--density must be in (0, 1]");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--density", "1.5"}, "--density must be in (0, 1]");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "64:32:x2"}, "ends before it starts");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "64,abc"}, "not a number");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "16", "--out", "/nonexistent/dir/out.csv"},
                    "does not exist");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--format", "xml"}, "--format");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--reps", "0"}, "--reps");
  requireUsageError({"bench"}, "--kernels is required");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--bogus"}, "bogus");
  requireUsageError({"frobnicate"}, "frobnicate");
}

TEST_CASE("bench checks its outputs before the plan, and bounds the plan", "[cli]") {
  // A bad --out is the first thing reported, even with a plan that is itself
  // wrong (or, as in the issue, one that would take a minute to build).
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "0", "--out", "/nonexistent/x"}, "does not exist");
  requireUsageError({"bench", "--kernels", "matmul.blocked", "--n", "1:10000:+1", "--block", "1:10000:+1", "--out",
                     "/nonexistent/x"},
                    "does not exist");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "16", "--plot", "/nonexistent/x.svg"},
                    "/nonexistent/x.svg");
  // Without a bad path, the product of the lists is refused, with the bound
  // (--dry-run: were the plan accepted, nothing would run).
  requireUsageError(
      {"bench", "--kernels", "matmul.blocked", "--n", "1:10000:+1", "--block", "1:10000:+1", "--dry-run"},
      "100000000 jobs");
  requireUsageError({"bench", "--kernels", "matmul.blocked", "--n", "1:101:+1", "--block", "1:100:+1", "--dry-run"},
                    "at most 10000");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "1:20000:+1", "--dry-run"}, "at most 10000");
  // --help states both bounds.
  Result help = run({"bench", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("at most 10000 values") != std::string::npos);
  CHECK(help.out.find("at most 10000 jobs") != std::string::npos);
}

TEST_CASE("bench estimates a long run before starting it, and --dry-run only estimates", "[cli]") {
  // naive at n=2048, 1 warmup + 5 reps: 6 x 2 x 2048^3 = 1.0e11 FLOP, about
  // 100 s at the counted 1 GFLOP/s.
  Result r = run({"bench", "--kernels", "matmul.naive", "--n", "2048", "--dry-run"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.empty());  // nothing ran, nothing printed
  CHECK(r.err == "bench: 1 job, 6 runs: roughly 1.7 min (counting 1 GFLOP/s, GOP/s or GB/s; tuned kernels are "
                 "faster, naive ones at large n slower)\n");
  // A short run says nothing about time.
  Result small = run({"bench", "--kernels", "matmul.naive", "--n", "16", "--reps", "1", "--warmup", "0"});
  CHECK(small.code == 0);
  CHECK(small.err.find("roughly") == std::string::npos);
  // --dry-run checks everything a run would and keeps no file.
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "0", "--dry-run"}, "--n must be > 0");
  fs::path dir = fs::temp_directory_path() / ("cachescope-cli-dry-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Result dry = run({"bench", "--kernels", "matmul.naive", "--n", "16", "--dry-run", "--out", (dir / "r.csv").string()});
  CHECK(dry.code == 0);
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST_CASE("bench writes JSON with context and results", "[cli]") {
  Result r = run({"bench", "--kernels", "matmul.naive,matmul.blocked", "--n", "16,32", "--block", "8", "--reps", "3",
                  "--warmup", "0", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["context"].contains("cpu"));
  CHECK(j["context"].contains("caches"));
  CHECK(j["context"].contains("simd"));
  CHECK(j["context"].contains("build_type"));
  CHECK(j["context"].contains("date"));
  REQUIRE(j["results"].size() == 4);
  auto first = j["results"][0];
  CHECK(first["kernel"] == "matmul.naive");
  CHECK(first["n"] == 16);
  CHECK(first["reps"] == 3);
  CHECK(first["times_s"].size() == 3);
  for (const char* key : {"median_s", "mean_s", "stddev_s", "min_s", "gflops"}) CHECK(first.contains(key));
  CHECK(first["gflops"].get<double>() == Approx(2.0 * 16 * 16 * 16 / first["median_s"].get<double>() / 1e9));
  CHECK(j["results"][1]["kernel"] == "matmul.blocked");
  CHECK(j["results"][1]["block"] == 8);
}

TEST_CASE("bench --out writes CSV atomically, and list works", "[cli]") {
  fs::path dir = fs::temp_directory_path() / ("cachescope-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path out = dir / "r.csv";
  Result r = run({"bench", "--kernels", "matmul.reordered", "--n", "8:32:x2", "--reps", "2", "--format", "csv",
                  "--out", out.string()});
  REQUIRE(r.code == 0);
  std::ifstream in(out);
  std::string header, line;
  // Leading "# " lines say version, date and host; then the header.
  int comments = 0;
  while (std::getline(in, header) && header.rfind("# ", 0) == 0) ++comments;
  CHECK(comments >= 2);
  CHECK(header.rfind("kernel,n,block,threads,bits,density,", 0) == 0);
  int rows = 0;
  while (std::getline(in, line)) rows += !line.empty();
  CHECK(rows == 3);
  fs::remove_all(dir);

  Result l = run({"list", "--format", "json"});
  REQUIRE(l.code == 0);
  auto j = nlohmann::json::parse(l.out);
  CHECK(j["kernels"].size() >= 4);
  // The registry's roles name listed kernels (scripts find the baseline there).
  std::vector<std::string> listed;
  for (const auto& k : j["kernels"]) listed.push_back(k["id"].get<std::string>());
  auto isListed = [&](const nlohmann::json& id) {
    return std::find(listed.begin(), listed.end(), id.get<std::string>()) != listed.end();
  };
  CHECK(isListed(j["roles"]["baseline"]));
  CHECK(isListed(j["roles"]["threads"]));
  REQUIRE(j["roles"]["compare_pair"].size() == 2);
  for (const auto& id : j["roles"]["compare_pair"]) CHECK(isListed(id));
  CHECK(run({"list"}).out.find("matmul.naive") != std::string::npos);
}

TEST_CASE("bench refuses --out and --plot naming one file, before running", "[cli]") {
  // Two writers of one file: the second would replace the first's result.
  fs::path dir = fs::temp_directory_path() / ("cachescope-cli-same-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string svg = (dir / "r.svg").string();
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "16", "--out", svg, "--plot", svg}, "same file");
  CHECK(fs::is_empty(dir));  // nothing written, not even a temporary
  // The same file through another spelling and through a link.
  fs::create_symlink("r.svg", dir / "link.svg");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--n", "16", "--out", (dir / "link.svg").string(),
                     "--plot", (dir / "." / "r.svg").string()},
                    "same file");
  CHECK_FALSE(fs::exists(dir / "r.svg"));
  // Two different files are fine.
  const std::string json = (dir / "r.json").string();
  Result ok = run({"bench", "--kernels", "matmul.naive", "--n", "16", "--reps", "1", "--warmup", "0", "--format",
                   "json", "--out", json, "--plot", svg});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  CHECK(nlohmann::json::parse(std::ifstream(json))["results"].size() == 1);
  std::stringstream plot;
  plot << std::ifstream(svg).rdbuf();
  CHECK(plot.str().find("<svg") != std::string::npos);
  fs::remove_all(dir);
}

namespace {
// A stand-in for the app's `gui` command (the CLI core cannot link the app):
// records the --set values it was given.
std::vector<std::string> fakeGuiSets;
bool fakeGuiRan = false;
void addFakeGui(CLI::App& root, cachescope::cli::Commands& commands) {
  auto* app = root.add_subcommand("gui", "fake");
  app->add_option("--set", fakeGuiSets);
  commands.push_back({app, [] {
                        fakeGuiRan = true;
                        return 0;
                      }});
}
}  // namespace

TEST_CASE("options without a command go to a registered gui command", "[cli]") {
  fakeGuiSets.clear();
  fakeGuiRan = false;
  Result r = cachescope::test::runCli({"--set", "n=64"}, {&addFakeGui});
  CHECK(r.code == 0);
  CHECK(fakeGuiRan);
  CHECK(fakeGuiSets == std::vector<std::string>{"n=64"});
  fakeGuiRan = false;
  CHECK(cachescope::test::runCli({}, {&addFakeGui}).code == 0);  // no arguments: the GUI
  CHECK(fakeGuiRan);
  // --help and --version stay the root's.
  fakeGuiRan = false;
  CHECK(cachescope::test::runCli({"--version"}, {&addFakeGui}).code == 0);
  CHECK_FALSE(fakeGuiRan);
  // Without a gui command, options without a command are a usage error.
  CHECK(run({"--set", "n=64"}).code == 2);
}

namespace {

// A command that throws whatever `thrower` says: the exit code must come from
// the error's base alone, whichever module defined it.
void (*thrower)() = nullptr;
void addThrowCommand(CLI::App& root, cachescope::cli::Commands& commands) {
  commands.push_back({root.add_subcommand("throw", "test only"), [] {
                        thrower();
                        return 0;
                      }});
}

Result runThrowing(void (*f)()) {
  thrower = f;
  return cachescope::test::runCli({"throw"}, {&addThrowCommand});
}

}  // namespace

TEST_CASE("every module's input error exits 2, a run failure 1, with one line", "[cli][errors]") {
  using namespace cachescope;
  struct Case {
    void (*f)();
    int code;
    const char* text;
  };
  const Case cases[] = {
      {[] { throw UsageError("bad flag"); }, 2, "bad flag"},
      {[] { throw FileError("cannot write 'x'"); }, 2, "cannot write 'x'"},
      {[] { sim::parseLevelSpec("48K:0:64", "L1"); }, 2, "ways"},
      {[] { throw trace::SimulationError("unknown kernel 'x'"); }, 2, "unknown kernel"},
      {[] { throw trace::TraceError(7, "missing address"); }, 2, "trace line 7: missing address"},
      {[] { parseIntList("1,x", "n"); }, 2, "not a number"},
      {[] {
         engine::LaunchOptions o;
         engine::applyScenarioFile(o, ".");  // a directory: not std::ios_base::failure (exit 1)
       },
       2, "Is a directory"},
      {[] { throw RunFailure("no display"); }, 1, "no display"},
      {[] { throw std::logic_error("a bug"); }, 1, "a bug"},
  };
  for (const Case& c : cases) {
    Result r = runThrowing(c.f);
    INFO(r.err);
    CHECK(r.code == c.code);
    CHECK(r.err.find(std::string("cachescope: error: ")) == 0);
    CHECK(r.err.find(c.text) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
