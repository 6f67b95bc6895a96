// `--plot` of bench and the roofline command, run in-process.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "plot/bench_plots.hpp"
#include "plot/export.hpp"
#include "report/bench_json_reader.hpp"

namespace fs = std::filesystem;

namespace {

using Result = cachescope::test::CliResult;

Result run(std::vector<std::string> args) { return cachescope::test::runCli(std::move(args)); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
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
  for (const char* name : {"x.bmp", "out", "out.svg.txt", "out.jpg"}) {
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
  Result bmp = run({"bench", "--kernels", "matmul.naive", "--n", "8", "--plot", (dir.path / "x.bmp").string()});
  CHECK(bmp.err.find(".svg, .png or .pdf") != std::string::npos);
  CHECK(fs::is_empty(dir.path));  // nothing left behind
}

namespace {

// Hides the display for one scope: the PNG and PDF must not need one.
struct NoDisplay {
  std::optional<std::string> display, wayland;
  NoDisplay() {
    if (const char* d = std::getenv("DISPLAY")) display = d;
    if (const char* w = std::getenv("WAYLAND_DISPLAY")) wayland = w;
    ::unsetenv("DISPLAY");
    ::unsetenv("WAYLAND_DISPLAY");
  }
  ~NoDisplay() {
    if (display) ::setenv("DISPLAY", display->c_str(), 1);
    if (wayland) ::setenv("WAYLAND_DISPLAY", wayland->c_str(), 1);
  }
};

std::uint32_t bigEndian32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return v;
}

}  // namespace

TEST_CASE("bench --plot draws PNG and PDF headless at the export size", "[cli][plot]") {
  TempDir dir;
  NoDisplay noDisplay;
  const std::vector<std::string> bench = {"bench", "--kernels", "matmul.naive,matmul.reordered", "--n", "8,16,32",
                                          "--reps", "2", "--warmup", "0", "--plot"};
  auto args = [&](const fs::path& p) {
    std::vector<std::string> a = bench;
    a.push_back(p.string());
    return a;
  };
  Result png = run(args(dir.path / "sweep.PNG"));  // the extension's case does not matter
  INFO(png.err);
  REQUIRE(png.code == 0);
  const std::string image = slurp(dir.path / "sweep.PNG");
  REQUIRE(image.size() > 24);
  CHECK(image.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(image.substr(12, 4) == "IHDR");
  CHECK(bigEndian32(image, 16) == cachescope::plot::kExportWidth);
  CHECK(bigEndian32(image, 20) == cachescope::plot::kExportHeight);

  Result pdf = run(args(dir.path / "sweep.pdf"));
  INFO(pdf.err);
  REQUIRE(pdf.code == 0);
  const std::string doc = slurp(dir.path / "sweep.pdf");
  CHECK(doc.substr(0, 5) == "%PDF-");
  CHECK(doc.find("%%EOF") != std::string::npos);
  CHECK(doc.find("/MediaBox [ 0 0 1280 720 ]") != std::string::npos);

  Result roof = run({"roofline", "--kernels", "none", "--seconds", "0.02", "--plot", (dir.path / "roof.png").string()});
  INFO(roof.err);
  REQUIRE(roof.code == 0);
  CHECK(slurp(dir.path / "roof.png").substr(1, 3) == "PNG");
  // Only the three plots: no temporary files left beside them.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 3);
}

TEST_CASE("bench --plot writes the bytes the app's export writes for the same results", "[cli][plot]") {
  // The app's sweep view exports plot::sweepPlot(records, axis) through
  // plot::exportPlot. Rebuilt from the JSON that the same run wrote, that
  // path must give the file `--plot` wrote: same builder, same layout, same
  // size, and nothing in the file that is not in the data (no dates).
  TempDir dir;
  for (const char* ext : {"svg", "png", "pdf"}) {
    const fs::path json = dir.path / (std::string("r-") + ext + ".json");
    const fs::path cli = dir.path / (std::string("cli.") + ext);
    const fs::path app = dir.path / (std::string("app.") + ext);
    Result r = run({"bench", "--kernels", "matmul.naive,matmul.reordered", "--n", "8,16,32", "--reps", "2",
                    "--warmup", "0", "--format", "json", "--out", json.string(), "--plot", cli.string()});
    INFO(ext << ": " << r.err);
    REQUIRE(r.code == 0);
    const std::vector<cachescope::BenchRecord> records = cachescope::parseBenchJson(slurp(json));
    REQUIRE(records.size() == 6);
    cachescope::plot::exportPlot(cachescope::plot::sweepPlot(records, cachescope::plot::SweepAxis::N), app.string());
    const std::string a = slurp(app), c = slurp(cli);
    REQUIRE(c.size() > 100);
    CHECK(a.size() == c.size());
    CHECK(a == c);
  }
  // Different numbers give a different file: the comparison can fail.
  const fs::path json = dir.path / "r-svg.json";
  std::vector<cachescope::BenchRecord> records = cachescope::parseBenchJson(slurp(json));
  records[0].rate *= 2;
  records[0].medianS /= 2;
  cachescope::plot::exportPlot(cachescope::plot::sweepPlot(records, cachescope::plot::SweepAxis::N),
                               (dir.path / "other.svg").string());
  CHECK(slurp(dir.path / "other.svg") != slurp(dir.path / "cli.svg"));
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
  // Benchmark integrity (issue 14): the clock estimate, the path, the flag.
  CHECK(j["context"]["clock"]["ghz"].get<double>() > 0);
  CHECK(j["kernels"][0]["simd_path"] == "none");
  CHECK(j["kernels"][0]["unreliable"].is_string());
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
