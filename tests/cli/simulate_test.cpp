// `cachescope simulate` as a script uses it: JSON fields, one-line errors
// with exit 2, traces from files.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace {

using Run = cachescope::test::CliResult;

Run simulate(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  return cachescope::test::runCli(std::move(args));
}

void requireOneLineError(std::vector<std::string> args, const std::string& needle) {
  Run r = simulate(args);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("cachescope: error: ") == 0);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
}

std::string tempTrace(const std::string& contents) {
  static int n = 0;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("cachescope_cli_trace_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                         .string();
  std::ofstream(path) << contents;
  return path;
}

}  // namespace

TEST_CASE("simulate rejects bad specs and kernels with one line and exit 2", "[cli][simulate]") {
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K:0:64"}, "ways must be >= 1");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K:8:48"}, "not a power of two");
  requireOneLineError({"--kernel", "matmul.naive", "--l2", "1000:8:64"}, "not a multiple of ways x line");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K"}, "SIZE:WAYS:LINE");
  requireOneLineError({"--kernel", "matmul.naive", "--policy", "mru"}, "unknown replacement policy");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "48K:12:64", "--policy", "plru"}, "power-of-two");
  requireOneLineError({"--kernel", "matmul.naive", "--write-policy", "sideways"}, "write policy");
  requireOneLineError({"--kernel", "matmul.nave"}, "did you mean 'matmul.naive'");
  requireOneLineError({"--kernel", "matmul.blas"}, "cannot be traced");
  requireOneLineError({"--kernel", "matmul.naive", "--bits", "16"}, "--bits must be 32, 8 or 4");
  requireOneLineError({"--kernel", "matmul.naive", "--n", "0"}, "--n must be > 0");
  requireOneLineError({"--kernel", "matmul.naive", "--sample", "1.5"}, "--sample");
  requireOneLineError({"--kernel", "matmul.naive", "--caches", "pentium"}, "unknown cache preset");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "none"}, "--l1 cannot be none");
  requireOneLineError({"--kernel", "matmul.naive", "--format", "xml"}, "--format");
  requireOneLineError({}, "--kernel ID or --trace");
  requireOneLineError({"--trace", "/nonexistent/trace"}, "cannot open trace");
}

TEST_CASE("simulate --format json has per-level counters and the config", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.blocked", "--n", "32", "--block", "16", "--caches", "teaching-small",
                    "--l3", "none", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["levels"].size() == 2);
  for (const auto& l : j["levels"]) {
    CHECK(l.contains("accesses"));
    CHECK(l.contains("hits"));
    CHECK(l.contains("misses"));
    CHECK(l.contains("hit_rate"));
    CHECK(l.contains("compulsory"));  // small run: three-C split on
    CHECK(l["hits"].get<std::uint64_t>() + l["misses"].get<std::uint64_t>() == l["accesses"].get<std::uint64_t>());
  }
  CHECK(j["levels"][0]["name"] == "L1d");
  CHECK(j["levels"][0]["size_bytes"] == 4096);
  CHECK(j["config"]["policy"] == "lru");
  CHECK(j["config"]["levels"][1] == "32K:8:64");
  CHECK(j["kernel"]["id"] == "matmul.blocked");
  CHECK(j["kernel"]["block"] == 16);
  CHECK(j["sampled"] == false);
  // n=32, 16x16 tiles (2 per dimension): zero C (n^2), copy each B tile once
  // per ii tile (2 * 2 * n^2), A once per (i, k) per jj tile (2 * n^2), and per
  // (i, j) and four k: load C, 4 tile loads, store C (6 * 16/4 * 2 tiles).
  CHECK(j["references"] == 32 * 32 + 2 * 2 * 32 * 32 + 2 * 32 * 32 + 32 * 32 * (6 * 4 * 2));
  CHECK(j.contains("wall_s"));
  CHECK(j.contains("accesses_per_s"));

  Run s = simulate({"--kernel", "matmul.naive", "--n", "64", "--l1", "4K:4:64", "--l2", "none", "--sample", "0.25",
                    "--policy", "random", "--seed", "7", "--format", "json"});
  REQUIRE(s.code == 0);
  auto js = nlohmann::json::parse(s.out);
  CHECK(js["sampled"] == true);
  CHECK(js["sample"]["outer_begin"] == 4);
  CHECK(js["sample"]["outer_count"] == 64);
  CHECK(js["config"]["seed"] == 7);
  CHECK(js["levels"].size() == 1);
}

TEST_CASE("simulate table prints wall time and accesses per second", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.naive", "--n", "32", "--caches", "teaching-tiny", "--bits", "4",
                    "--ld-pad", "8", "--inclusive"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("M accesses/s") != std::string::npos);
  CHECK(r.out.find("hit rate") != std::string::npos);
  CHECK(r.out.find("int4") != std::string::npos);
  CHECK(r.out.find("inclusive last level") != std::string::npos);
}

TEST_CASE("simulate --trace: errors name the line, --skip-bad counts", "[cli][simulate]") {
  const std::string path = tempTrace("==7== Lackey\nI  0400,3\n L 1000,4\n S 1040,8\n M 1000,4\nR 0x2000 4\nbogus line\n");
  requireOneLineError({"--trace", path, "--l1", "1K:2:64", "--l2", "none"}, "trace line 7");
  Run r = simulate({"--trace", path, "--l1", "1K:2:64", "--l2", "none", "--skip-bad", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["trace"]["skipped_lines"] == 1);
  CHECK(j["trace"]["first_skipped_line"] == 7);
  CHECK(j["references"] == 5);  // L, S, M (two), R
  CHECK(j["levels"][0]["misses"] == 3);
  requireOneLineError({"--trace", path, "--kernel", "matmul.naive"}, "excludes");
  std::remove(path.c_str());
}
