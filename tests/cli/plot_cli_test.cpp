// `--plot` of bench and the roofline command, run in-process.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;

namespace {

using Result = cachescope::test::CliResult;

Result run(std::vector<std::string> args) { return cachescope::test::runCli(std::move(args)); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("cachescope-plot-cli-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("bench --plot writes an SVG of the sweep", "[cli][plot]") {
  TempDir dir;
  fs::path svg = dir.path / "sweep.svg";
  Result r = run({"bench", "--kernels", "matmul.naive,matmul.reordered", "--n", "8,16,32", "--reps", "2", "--warmup",
                  "0", "--plot", svg.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(fs::exists(svg));
  std::string text = slurp(svg);
  CHECK(text.find("<svg") != std::string::npos);
  CHECK(text.find("</svg>") != std::string::npos);
  CHECK(text.find("matmul.reordered") != std::string::npos);
  CHECK(text.find("against n") != std::string::npos);
  CHECK(r.out.find("matmul.naive") != std::string::npos);  // the table still goes to stdout
}

TEST_CASE("bench --plot rejects bad targets before running", "[cli][plot]") {
  TempDir dir;
  for (const char* name : {"out.pdf", "out", "out.svg.txt"}) {
    Result r = run({"bench", "--kernels", "matmul.naive", "--n", "8", "--plot", (dir.path / name).string()});
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("cachescope: error: --plot") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
  Result missing = run({"bench", "--kernels", "matmul.naive", "--n", "8", "--plot", "/nonexistent/dir/p.svg"});
  CHECK(missing.code == 2);
  CHECK(missing.out.empty());
  Result png = run({"bench", "--kernels", "matmul.naive", "--n", "8", "--plot", (dir.path / "p.png").string()});
  CHECK(png.code == 2);
  CHECK(png.err.find("PNG plots need a GL context") != std::string::npos);
  CHECK(png.out.empty());
  CHECK(fs::is_empty(dir.path));  // nothing left behind
}

TEST_CASE("roofline reports the machine as JSON and draws the plot", "[cli][plot]") {
  TempDir dir;
  fs::path svg = dir.path / "roof.svg";
  Result r = run({"roofline", "--kernels", "matmul.reordered", "--n", "32", "--format", "json", "--seconds", "0.03",
                  "--plot", svg.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["machine"]["peak_gflops"].get<double>() > 0);
  CHECK(j["machine"]["bandwidth_gbs"].get<double>() > 0);
  CHECK(j["machine"]["threads"] == 1);
  REQUIRE(j["kernels"].size() == 1);
  CHECK(j["kernels"][0]["kernel"] == "matmul.reordered");
  CHECK(j["kernels"][0]["intensity"].get<double>() == Approx(32.0 / 6));
  CHECK(j["kernels"][0]["gflops"].get<double>() > 0);
  std::string text = slurp(svg);
  CHECK(text.find("Roofline") != std::string::npos);
  CHECK(text.find("matmul.reordered") != std::string::npos);
}

TEST_CASE("roofline rejects bad input with one line and exit 2", "[cli]") {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"roofline", "--threads", "0"},
           {"roofline", "--format", "csv"},
           {"roofline", "--kernels", "matmul.nope"},
           {"roofline", "--n", "0"},
           {"roofline", "--plot", "r.jpg"},
           {"roofline", "--seconds", "0"}}) {
    Result r = run(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("cachescope: error: ") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
}
