// roofline's table and JSON writers on a made-up machine and records: the
// exact table text and the JSON keys.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bench/roofline_report.hpp"
#include "kernels/registry.hpp"

using namespace cachescope;

namespace {

RooflineMachine machine() {
  RooflineMachine m;
  m.peakGflops = 200;
  m.bandwidthGBs = 20;  // ridge at 10 FLOP/byte
  m.threads = 1;
  m.simd = "avx2";
  m.triadBytes = 96.0 * 1048576;
  return m;
}

}  // namespace

TEST_CASE("roofline table: the machine, then kernels under the roof", "[roofline][report]") {
  const RooflineMachine m = machine();
  CHECK(rooflineTable(m, {}) ==
        "peak compute    200.0 GFLOP/s   (fp32 FMA loop, avx2, 1 thread)\n"
        "DRAM bandwidth  20.0 GB/s      (triad over 96 MiB, 1 thread)\n"
        "ridge point     10.00 FLOP/byte (below it a kernel is memory bound, above it compute bound)\n");

  const Kernel* naive = findKernel("matmul.naive");
  REQUIRE(naive);
  // n = 96: 2n^3 FLOP over 3 n^2 x 4 B, intensity n/6 = 16 (compute bound).
  std::vector<Job> jobs = {{naive, Params{96}}, {naive, Params{12}}};
  BenchRecord ok;
  ok.kernel = "matmul.naive";
  ok.n = 96;
  ok.medianS = 2.0 * 96 * 96 * 96 / 50e9;  // 50 GFLOP/s
  BenchRecord bad;
  bad.kernel = "matmul.naive";
  bad.n = 12;
  bad.outcome = Outcome::Failed;
  bad.failure = "wrong result";
  const std::vector<PlacedKernel> placed = placeKernels(m, jobs, {ok, bad});
  REQUIRE(placed.size() == 2);
  CHECK(placed[0].gflops == Approx(50));
  CHECK(placed[0].roof == Approx(200));
  CHECK(placed[1].gflops == 0);
  const std::string t = rooflineTable(m, placed);
  CHECK(t.find("\n\nkernel         n  intensity              achieved     roof  of roof  roof that applies\n"
               "                  FLOP/byte               GFLOP/s  GFLOP/s\n" +
               std::string(86, '-') +
               "\n"
               "matmul.naive  96      16.00                  50.0    200.0    25.0%  fp32 compute\n"
               "matmul.naive  12          -  failed: wrong result\n"
               "intensity counts compulsory DRAM traffic only") != std::string::npos);

  nlohmann::json j = nlohmann::json::parse(rooflineJsonText(m, placed));
  CHECK(j["machine"]["peak_gflops"] == 200.0);
  CHECK(j["machine"]["ridge_flop_per_byte"] == 10.0);
  REQUIRE(j["kernels"].size() == 2);
  CHECK(j["kernels"][0]["intensity"].get<double>() == Approx(16));
  CHECK(j["kernels"][0]["fraction_of_roof"].get<double>() == Approx(0.25));
  CHECK(j["kernels"][1]["failure"] == "wrong result");
  CHECK_FALSE(j["kernels"][1].contains("gflops"));
  CHECK(j.contains("context"));
}

TEST_CASE("roofline labels name the bits and density that differ from fp32 dense", "[roofline][report]") {
  BenchRecord r;
  r.kernel = "matmul.sparse";
  r.density = 0.1;
  CHECK(placedLabel(r) == "matmul.sparse d=0.10");
  r.kernel = "matmul.int8";
  r.density.reset();
  r.bits = 8;
  CHECK(placedLabel(r) == "matmul.int8 8-bit");
  r.bits = 32;
  CHECK(placedLabel(r) == "matmul.int8");
}

TEST_CASE("roofline report: each kernel under its data type's roof, with the reason when above", "[roofline][report]") {
  RooflineMachine m = machine();
  m.int8PeakGops = 800;
  m.int8Simd = "avx2";
  const Kernel* relu = findKernel("relu.naive");
  const Kernel* int8 = findKernel("matmul.int8");
  REQUIRE(relu);
  REQUIRE(int8);
  Params q{96};
  q.bits = 8;
  std::vector<Job> jobs = {{relu, Params{64}}, {int8, q}};
  BenchRecord r;
  r.kernel = "relu.naive";
  r.n = 64;
  r.medianS = 64.0 * 64 / 10e9;  // 10 G elements/s against a DRAM slope of 20 x 1/8 = 2.5
  BenchRecord i;
  i.kernel = "matmul.int8";
  i.n = 96;
  i.bits = 8;
  i.medianS = 2.0 * 96 * 96 * 96 / 300e9;  // 300 GOP/s: above fp32's 200, under int8's 800
  const std::vector<PlacedKernel> placed = placeKernels(m, jobs, {r, i});
  REQUIRE(placed.size() == 2);
  CHECK(placed[0].roofKind == Roof::Memory);
  CHECK(placed[0].roof == Approx(2.5));
  CHECK(placed[0].aboveReason.find("fits in L") != std::string::npos);
  CHECK(placed[1].roofKind == Roof::Int8);
  CHECK(placed[1].aboveReason.empty());
  CHECK(placed[1].roof <= 800);
  CHECK(placed[1].roof > 200);
  const std::vector<plot::RooflinePoint> points = rooflinePoints(placed);
  REQUIRE(points.size() == 2);
  CHECK(points[0].reason == placed[0].aboveReason);
  CHECK(points[1].roof == Roof::Int8);
  const plot::Plot chart = plot::rooflinePlot(m, points);
  bool int8Roof = false, reasonInLabel = false;
  for (const plot::Series& s : chart.series) {
    int8Roof = int8Roof || s.name.rfind("int8 roof", 0) == 0;
    reasonInLabel = reasonInLabel || s.name.find(placed[0].aboveReason) != std::string::npos;
  }
  CHECK(int8Roof);
  CHECK(reasonInLabel);
  CHECK(chart.subtitle.find("compulsory") != std::string::npos);
  const std::string t = rooflineTable(m, placed);
  CHECK(t.find("peak int8       800.0 GOP/s") != std::string::npos);
  CHECK(t.find("DRAM memory; above: ") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(rooflineJsonText(m, placed));
  CHECK(j["machine"]["int8_peak_gops"] == 800.0);
  CHECK(j["kernels"][1]["roof"] == "int8");
  CHECK(j["kernels"][0].contains("above_roof_reason"));
  // Without int8 points there is no int8 roof on the plot.
  const plot::Plot fp32Only = plot::rooflinePlot(m, {points[0]});
  for (const plot::Series& s : fp32Only.series) CHECK(s.name.rfind("int8 roof", 0) != 0);
}

TEST_CASE("roofline report: bf16 under its own roof, in GFLOP/s, where its peak was measured", "[roofline][report]") {
  RooflineMachine m = machine();
  const Kernel* bf16 = findKernel("matmul.bf16");
  REQUIRE(bf16);
  Params q{128};
  q.bits = 16;
  BenchRecord r;
  r.kernel = "matmul.bf16";
  r.n = 128;
  r.bits = 16;
  r.medianS = 2.0 * 128 * 128 * 128 / 300e9;  // 300 GFLOP/s: above fp32's 200
  // Not measured: the fp32 roof, and the reason for sitting above it.
  std::vector<PlacedKernel> placed = placeKernels(m, {{bf16, q}}, {r});
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].roofKind == Roof::Bf16);
  CHECK(placed[0].aboveReason == "no bf16 peak measured");
  CHECK(rooflineTable(m, placed).find("peak bf16") == std::string::npos);
  // Measured: under it, drawn, in the table and the JSON; the unit stays GFLOP/s.
  m.bf16PeakGflops = 400;
  m.bf16Simd = "avx512-bf16";
  placed = placeKernels(m, {{bf16, q}}, {r});
  CHECK(placed[0].aboveReason.empty());
  CHECK(placed[0].roof > 200);
  CHECK(placed[0].roof <= 400);
  const plot::Plot chart = plot::rooflinePlot(m, rooflinePoints(placed));
  bool bf16Roof = false;
  for (const plot::Series& s : chart.series) bf16Roof = bf16Roof || s.name.rfind("bf16 roof", 0) == 0;
  CHECK(bf16Roof);
  CHECK(chart.title.find("400 GFLOP/s bf16") != std::string::npos);
  CHECK(chart.subtitle.find("avx512-bf16 dot-product") != std::string::npos);
  CHECK(chart.y.label == "GFLOP/s");
  const std::string t = rooflineTable(m, placed);
  CHECK(t.find("peak bf16       400.0 GFLOP/s") != std::string::npos);
  CHECK(t.find("G op/s") == std::string::npos);
  nlohmann::json j = nlohmann::json::parse(rooflineJsonText(m, placed));
  CHECK(j["machine"]["bf16_peak_gflops"] == 400.0);
  CHECK(j["machine"]["bf16_simd"] == "avx512-bf16");
  CHECK(j["kernels"][0]["roof"] == "bf16");
}
