// The command line's honest numbers and wrong-input checks (issue 10): the
// unit, footprint and error of every row in every format, sparse rates,
// speedup against a chosen baseline, warnings, progress on a pipe, and the
// usage errors that point to the subcommand's own --help.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "platform/host.hpp"

namespace {

using Result = cachescope::test::CliResult;

Result run(std::vector<std::string> args) { return cachescope::test::runCli(std::move(args)); }

using cachescope::test::requireUsageError;

const std::string kCores = std::to_string(cachescope::host().logicalCores);
const std::string kTooMany = std::to_string(cachescope::host().logicalCores + 1);

}  // namespace

TEST_CASE("threads above the cores are a usage error naming the count, in bench and roofline", "[cli][hall]") {
  requireUsageError({"bench", "--kernels", "matmul.blas", "--threads", kTooMany},
                    "--threads " + kTooMany + " is more than this machine's " + kCores);
  requireUsageError({"bench", "--kernels", "matmul.blas", "--threads", "1," + kTooMany}, "this machine's " + kCores);
  requireUsageError({"roofline", "--threads", kTooMany}, "--threads " + kTooMany + " is more than this machine's " + kCores);
  requireUsageError({"roofline", "--threads", "64"}, "this machine's " + kCores);
}

TEST_CASE("a parameter no selected kernel uses is an error, one some ignore a note", "[cli][hall]") {
  requireUsageError({"bench", "--kernels", "matmul.naive", "--threads", "1"}, "--threads is used by none");
  requireUsageError({"bench", "--kernels", "matmul.naive,matmul.blocked", "--bits", "8"}, "--bits is used by none");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--density", "0.5"}, "it applies to matmul.sparse");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--block", "16"}, "--block is used by none");
  Result r = run({"bench", "--kernels", "matmul.naive,matmul.blocked", "--n", "16", "--block", "8", "--reps", "1",
                  "--warmup", "0", "--quiet"});
  INFO(r.err);
  CHECK(r.code == 0);
  // The note, and nothing else but the lines a busy machine adds (a record
  // flagged unreliable is said on stderr in every format).
  const std::string note = "bench: note: --block is ignored by matmul.naive (--block applies to matmul.blocked)\n";
  REQUIRE(r.err.rfind(note, 0) == 0);
  std::istringstream rest(r.err.substr(note.size()));
  for (std::string line; std::getline(rest, line);) {
    CHECK(line.rfind("bench: warning: ", 0) == 0);
    CHECK(line.find(": unreliable: ") != std::string::npos);
  }
}

TEST_CASE("a block wider than n is recorded and reported as the block used, with a warning", "[cli][hall]") {
  Result r = run({"bench", "--kernels", "matmul.blocked", "--n", "64", "--block", "1000", "--reps", "1", "--warmup",
                  "0", "--format", "json", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["results"][0]["block"] == 64);
  CHECK(j["results"][0]["params"]["block"] == 64);
  const auto& w = j["results"][0]["warnings"];
  REQUIRE(w.size() >= 1);
  CHECK(w[0].get<std::string>().find("block 1000 is wider than n = 64: ran with block 64") == 0);
  CHECK(r.err.find("bench: warning: matmul.blocked n=64: block 1000") != std::string::npos);  // JSON: said on stderr too
  Result t = run({"bench", "--kernels", "matmul.blocked", "--n", "64", "--block", "1000", "--reps", "1", "--warmup",
                  "0", "--quiet"});
  CHECK(t.out.find("matmul.blocked  64     64") != std::string::npos);
  CHECK(t.out.find("] matmul.blocked n=64 block=64 threads=1: block 1000 is wider") != std::string::npos);
}

TEST_CASE("bench --kernels accepts spaces after the commas, like --n", "[cli][hall]") {
  Result r = run({"bench", "--kernels", "matmul.naive, matmul.reordered", "--n", "16, 32", "--reps", "1", "--warmup",
                  "0", "--format", "json", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["results"].size() == 4);
}

TEST_CASE("a subcommand's usage error points to its own --help", "[cli][hall]") {
  requireUsageError({"bench", "--kernels", "matmul.naive", "--bogus"}, "(see 'cachescope bench --help')");
  requireUsageError({"bench"}, "(see 'cachescope bench --help')");
  requireUsageError({"simulate", "--kernel", "matmul.naive", "--bogus"}, "(see 'cachescope simulate --help')");
  requireUsageError({"roofline", "--bogus"}, "(see 'cachescope roofline --help')");
  requireUsageError({"frobnicate"}, "(see 'cachescope --help')");
}

TEST_CASE("every format gives each row its unit, footprint and error, and JSON no GOP/s under gflops", "[cli][hall]") {
  const std::vector<std::string> base = {"bench", "--kernels", "matmul.naive,matmul.int8,matmul.sparse,relu.int8",
                                         "--n", "64", "--density", "0.25", "--reps", "2", "--warmup", "0", "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a);
  };
  Result json = with({"--format", "json"});
  INFO(json.err);
  REQUIRE(json.code == 0);
  auto j = nlohmann::json::parse(json.out);
  CHECK(j["baseline"] == "matmul.naive");  // the registry's baseline, selected
  REQUIRE(j["results"].size() == 4);
  for (const auto& r : j["results"]) {
    INFO(r["kernel"]);
    CHECK(r.contains("rate"));
    CHECK(r.contains("unit"));
    CHECK(r["footprint_bytes"].get<double>() > 0);
    CHECK(r["fp32_footprint_bytes"].get<double>() > 0);
    CHECK(r.contains("gflops") == (r["unit"] == "GFLOP/s"));
    // ReLU is another problem than the matmul baseline: no speedup for it.
    if (r["unit"] == "GB/s")
      CHECK_FALSE(r.contains("speedup"));
    else
      CHECK(r["speedup"].get<double>() > 0);
  }
  const auto& int8 = j["results"][1];
  CHECK(int8["unit"] == "GOP/s");
  CHECK(int8["footprint_bytes"] == 2.0 * 64 * 64 + 8.0 * 64);
  CHECK(int8["fp32_footprint_bytes"] == 8.0 * 64 * 64);
  CHECK(int8.contains("error_vs_fp32"));
  const auto& sparse = j["results"][2];
  CHECK(sparse["dense_equivalent_rate"].get<double>() ==
        Approx(2.0 * 64 * 64 * 64 / sparse["median_s"].get<double>() / 1e9));
  CHECK(sparse["work"].get<double>() < 0.3 * 2.0 * 64 * 64 * 64);  // nonzero work at density 0.25
  CHECK(sparse["error_vs_fp32"]["relative"].get<double>() > 0.1);  // the cost of pruning

  Result table = with({});
  REQUIRE(table.code == 0);
  CHECK(table.out.rfind("cachescope ", 0) == 0);
  CHECK(table.out.find("\nhost: ") != std::string::npos);
  for (const char* text : {"GOP/s", "GB/s", "GFLOP/s", "footprint", "vs fp32", "dense-eq", "speedup", "rel err",
                           "cost of pruning", "4.00x smaller"})
    CHECK(table.out.find(text) != std::string::npos);

  Result csv = with({"--format", "csv"});
  REQUIRE(csv.code == 0);
  CHECK(csv.out.rfind("# cachescope ", 0) == 0);
  CHECK(csv.out.find("\n# host: ") != std::string::npos);
  CHECK(csv.out.find("dense_equivalent_rate,speedup,warnings,simd_path,unreliable,chosen_kernel,choice_reason\n") !=
        std::string::npos);
}

TEST_CASE("bench --baseline names the kernel speedups are against", "[cli][hall]") {
  Result r = run({"bench", "--kernels", "matmul.reordered,matmul.blocked", "--n", "32", "--reps", "1", "--warmup",
                  "0", "--baseline", "matmul.blocked", "--format", "json", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["baseline"] == "matmul.blocked");
  CHECK(j["results"][1]["speedup"] == 1.0);
  CHECK(j["results"][0]["speedup"].get<double>() ==
        Approx(j["results"][1]["median_s"].get<double>() / j["results"][0]["median_s"].get<double>()));
  // Without the default baseline in the sweep there is no speedup column.
  Result none = run({"bench", "--kernels", "matmul.reordered", "--n", "16", "--reps", "1", "--quiet"});
  CHECK(none.out.find("speedup") == std::string::npos);
  requireUsageError({"bench", "--kernels", "matmul.naive", "--baseline", "matmul.blokced"}, "did you mean");
  requireUsageError({"bench", "--kernels", "matmul.naive", "--baseline", "matmul.blas"}, "not among --kernels");
}

TEST_CASE("a pipe gets a progress line per job, --quiet none", "[cli][hall]") {
  Result r = run({"bench", "--kernels", "matmul.naive,matmul.reordered", "--n", "16", "--reps", "1", "--warmup", "0"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.find("bench: [1/2] matmul.naive n=16  elapsed ") != std::string::npos);
  CHECK(r.err.find("\nbench: [2/2] matmul.reordered n=16  elapsed ") != std::string::npos);
  CHECK(r.err.find("\nbench: done in ") != std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);  // not a terminal: no live line
  Result q = run({"bench", "--kernels", "matmul.naive", "--n", "16", "--reps", "1", "--warmup", "0", "--quiet"});
  CHECK(q.err.find("bench: [") == std::string::npos);
}

TEST_CASE("bench and simulate --help say what the outputs carry and what the progress does", "[cli][hall]") {
  Result bench = run({"bench", "--help"});
  CHECK(bench.code == 0);
  for (const char* text : {"--baseline", "--quiet", "lines beginning '# '", "max/min 1.5x", "load average >= cores",
                           "at most this machine's cores", "a block above n runs as n", "a line per job"})
    CHECK(bench.out.find(text) != std::string::npos);
  Result sim = run({"simulate", "--help"});
  for (const char* text : {"--quiet", "over 10 s", "without any load or store is an error", "custom: PRESET"})
    CHECK(sim.out.find(text) != std::string::npos);
}

TEST_CASE("bench JSON records the clock estimate and each kernel's SIMD path", "[cli][hall]") {
  Result r = run({"bench", "--kernels", "matmul.packed,matmul.int8,matmul.naive", "--n", "32", "--reps", "3",
                  "--warmup", "0", "--format", "json", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["context"]["clock"]["ghz"].get<double>() > 0);
  CHECK_FALSE(j["context"]["clock"]["method"].get<std::string>().empty());
  REQUIRE(j["results"].size() == 3);
  const std::string active = cachescope::toString(cachescope::activeSimd());
  CHECK(j["results"][0]["simd_path"] == active);
  // The int8 GEMM names its own path: avx512-vnni where the CPU has VNNI,
  // amx where it has AMX tiles (and the OS grants them).
  const std::string int8 = j["results"][1]["simd_path"];
  if (cachescope::amxActive())
    CHECK(int8 == "amx");
  else
    CHECK(int8.rfind(active, 0) == 0);
  CHECK(j["results"][2]["simd_path"] == "none");
  for (const auto& res : j["results"]) {
    REQUIRE(res.contains("unreliable"));
    // A flagged record also says so on stderr.
    const std::string why = res["unreliable"];
    if (!why.empty()) CHECK(r.err.find("unreliable: " + why) != std::string::npos);
  }
}
