#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "report/numbers.hpp"
#include "report/writers.hpp"

using namespace cachescope;

namespace {
std::vector<BenchRecord> sample() {
  BenchRecord a;
  a.kernel = "matmul.blocked";
  a.n = 64;
  a.block = 16;
  a.reps = 3;
  a.timesS = {0.002, 0.001, 0.003};
  a.medianS = 0.002;
  a.meanS = 0.002;
  a.stddevS = 0.001;
  a.minS = 0.001;
  a.maxS = 0.003;
  a.work = 2.0 * 64 * 64 * 64;
  a.unit = "GFLOP/s";
  a.rate = a.work / a.medianS / 1e9;
  BenchRecord q = a;
  q.kernel = "matmul.int8";
  q.block.reset();
  q.bits = 8;
  q.unit = "GOP/s";
  q.errMaxAbs = 0.25;
  q.errRelative = 0.01;
  BenchRecord f;
  f.kernel = "matmul.naive";
  f.n = 8;
  f.outcome = Outcome::Failed;
  f.failure = "out of memory, really";
  return {a, q, f};
}
}  // namespace

// The CSV without its leading "# " comment lines.
std::string csvBody(const std::string& csv) {
  std::size_t at = 0;
  while (csv.compare(at, 2, "# ") == 0) at = csv.find('\n', at) + 1;
  return csv.substr(at);
}

TEST_CASE("CSV has a header, one row per record, empty unused params", "[report]") {
  std::string csv = csvBody(formatCsv(sample()));
  CHECK(csv.rfind("kernel,n,block,threads,bits,density,warmup,reps,median_s,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  CHECK(csv.find("\nmatmul.blocked,64,16,,,,0,3,0.002,") != std::string::npos);
  CHECK(csv.find("\nmatmul.int8,64,,,8,,") != std::string::npos);
  CHECK(csv.find("out of memory  really") != std::string::npos);  // commas never break columns
}

TEST_CASE("JSON carries context, params, statistics and errors", "[report]") {
  auto j = nlohmann::json::parse(formatJson(sample()));
  REQUIRE(j["results"].size() == 3);
  auto a = j["results"][0];
  CHECK(a["params"]["block"] == 16);
  CHECK(a["block"] == 16);
  CHECK_FALSE(a["params"].contains("bits"));
  CHECK(a["median_s"] == 0.002);
  CHECK(a["gflops"].get<double>() == Approx(2.0 * 64 * 64 * 64 / 0.002 / 1e9));
  CHECK(j["results"][1]["error_vs_fp32"]["max_abs"] == 0.25);
  CHECK(j["results"][2]["error"] == "out of memory, really");
  CHECK(j["context"]["program"] == "cachescope");
}

TEST_CASE("table aligns columns and marks failures", "[report]") {
  std::string t = formatTable(sample());
  CHECK(t.find("matmul.blocked") != std::string::npos);
  CHECK(t.find("2.00 ms") != std::string::npos);
  CHECK(t.find("failed: out of memory") != std::string::npos);
  Format f;
  CHECK((parseFormat("csv", f) && f == Format::Csv));
  CHECK_FALSE(parseFormat("xml", f));
}

TEST_CASE("a cancelled record is marked as cancelled in every format", "[report]") {
  BenchRecord c;
  c.kernel = "matmul.naive";
  c.n = 8;
  c.outcome = Outcome::Cancelled;
  CHECK(outcomeText(c) == "cancelled");
  CHECK(formatTable({c}).find("  cancelled\n") != std::string::npos);
  CHECK(formatCsv({c}).find(",cancelled,") != std::string::npos);
  CHECK(nlohmann::json::parse(formatJson({c}))["results"][0]["error"] == "cancelled");
  c.outcome = Outcome::Ok;
  CHECK(outcomeText(c).empty());
}

namespace {
// A quantized, a sparse and an fp32 row as the runner fills them.
std::vector<BenchRecord> hallSample() {
  BenchRecord naive;
  naive.kernel = "matmul.naive";
  naive.n = 64;
  naive.reps = 3;
  naive.timesS = {0.004, 0.004, 0.004};
  naive.medianS = naive.meanS = naive.minS = naive.maxS = 0.004;
  naive.work = 2.0 * 64 * 64 * 64;
  naive.unit = "GFLOP/s";
  naive.rate = naive.work / naive.medianS / 1e9;
  naive.footprintBytes = naive.fp32FootprintBytes = 8.0 * 64 * 64;
  BenchRecord q = naive;
  q.kernel = "matmul.int8";
  q.bits = 8;
  q.unit = "GOP/s";
  q.medianS = q.meanS = q.minS = q.maxS = 0.001;
  q.rate = q.work / q.medianS / 1e9;
  q.footprintBytes = 2.0 * 64 * 64 + 8.0 * 64;
  q.errMaxAbs = 0.02;
  q.errRelative = 0.004;
  BenchRecord s = naive;
  s.kernel = "matmul.sparse";
  s.density = 0.1;
  s.medianS = s.meanS = s.minS = s.maxS = 0.0005;
  s.work = 2.0 * 410 * 64;
  s.rate = s.work / s.medianS / 1e9;
  s.denseEquivalentRate = 2.0 * 64 * 64 * 64 / s.medianS / 1e9;
  s.footprintBytes = 410 * 8.0 + 65 * 4.0 + 4.0 * 64 * 64;
  s.errMaxAbs = 3.0;
  s.errRelative = 0.9;
  s.warnings = {"spread: slowest rep 2.00x the fastest"};
  BenchRecord r = naive;
  r.kernel = "relu.int8";
  r.unit = "GB/s";
  r.footprintBytes = 64.0 * 64 + 4;
  r.fp32FootprintBytes = 4.0 * 64 * 64;
  r.warnings = {"busy machine: load average 3.00 on 2 cores"};
  s.warnings.push_back(r.warnings[0]);
  return {naive, q, s, r};
}
}  // namespace

TEST_CASE("JSON: rate and unit on every row, gflops only where the unit is GFLOP/s", "[report]") {
  ReportOptions o;
  o.baseline = "matmul.naive";
  auto j = nlohmann::json::parse(formatJson(hallSample(), o));
  CHECK(j["baseline"] == "matmul.naive");
  const auto& res = j["results"];
  for (const auto& r : res) {
    CHECK(r.contains("rate"));
    CHECK(r.contains("unit"));
    CHECK(r.contains("footprint_bytes"));
    CHECK(r["warnings"].is_array());
    CHECK(r.contains("gflops") == (r["unit"] == "GFLOP/s"));
  }
  CHECK(res[1]["unit"] == "GOP/s");
  CHECK_FALSE(res[1].contains("gflops"));
  CHECK(res[1]["footprint_bytes"] == 2.0 * 64 * 64 + 8.0 * 64);
  CHECK(res[1]["fp32_footprint_bytes"] == 8.0 * 64 * 64);
  CHECK(res[1]["speedup"].get<double>() == Approx(4.0));
  CHECK(res[2]["dense_equivalent_rate"].get<double>() == Approx(2.0 * 64 * 64 * 64 / 0.0005 / 1e9));
  CHECK(res[2]["rate"].get<double>() == Approx(2.0 * 410 * 64 / 0.0005 / 1e9));
  CHECK(res[2]["warnings"].size() == 2);
  CHECK(res[3]["gbps"].get<double>() == res[3]["rate"].get<double>());
  // Without a baseline there is no speedup.
  auto plain = nlohmann::json::parse(formatJson(hallSample()));
  CHECK_FALSE(plain.contains("baseline"));
  CHECK_FALSE(plain["results"][1].contains("speedup"));
}

TEST_CASE("table: context lines, unit per row, footprint, errors, sparse rates, speedup, notes", "[report]") {
  ReportOptions o;
  o.baseline = "matmul.naive";
  const std::string t = formatTable(hallSample(), o);
  INFO(t);
  CHECK(t.rfind("cachescope ", 0) == 0);
  CHECK(t.find("\nhost: ") != std::string::npos);
  for (const char* head : {"unit", "dense-eq", "speedup", "footprint", "vs fp32", "rel err", "notes"})
    CHECK(t.find(head) != std::string::npos);
  CHECK(t.find("GOP/s") != std::string::npos);
  CHECK(t.find("GB/s") != std::string::npos);
  CHECK(t.find("3.76x smaller") != std::string::npos);  // 32 KiB / 8.5 KiB (the scales cost)
  CHECK(t.find("4.00x smaller") != std::string::npos);  // relu.int8 against fp32, its scale aside
  CHECK(t.find("4.00x") != std::string::npos);          // int8's speedup over naive
  CHECK(t.find("cost of pruning") != std::string::npos);
  CHECK(t.find("dense-eq = 2n^3 / median") != std::string::npos);
  // Distinct warnings are numbered once; one shared by two rows names both.
  CHECK(t.find("[1] matmul.sparse n=64 density=0.1: spread") != std::string::npos);
  CHECK(t.find("[2] matmul.sparse n=64 density=0.1 and 1 more: busy machine") != std::string::npos);
  CHECK(t.find("[1,2]") != std::string::npos);
  // The sparse row: its effective rate, then its dense-equivalent one.
  const std::size_t row = t.find("\nmatmul.sparse");
  REQUIRE(row != std::string::npos);
  const std::string line = t.substr(row + 1, t.find('\n', row + 1) - row - 1);
  CHECK(line.find(rateText(2.0 * 410 * 64 / 0.0005 / 1e9)) < line.find(rateText(2.0 * 64 * 64 * 64 / 0.0005 / 1e9)));
  // Without a baseline: no speedup column.
  CHECK(formatTable(hallSample()).find("speedup") == std::string::npos);
}

TEST_CASE("CSV: '# ' context lines, then footprint, dense-equivalent rate, speedup and warnings", "[report]") {
  ReportOptions o;
  o.baseline = "matmul.naive";
  const std::string csv = formatCsv(hallSample(), o);
  CHECK(csv.rfind("# cachescope ", 0) == 0);
  CHECK(csv.find("\n# host: ") != std::string::npos);
  const std::string body = csvBody(csv);
  CHECK(body.rfind("kernel,", 0) == 0);
  CHECK(body.substr(0, body.find('\n')).find(
            ",failure,footprint_bytes,fp32_footprint_bytes,dense_equivalent_rate,speedup,warnings") != std::string::npos);
  // ... warnings, then simd_path, unreliable, chosen_kernel and choice_reason (all empty here).
  CHECK(body.find(",GOP/s,0.02,0.004,,8704,32768,,4,,,,,\n") != std::string::npos);
  // Two warnings in one field: "; " between them.
  CHECK(body.find(",spread: slowest rep 2.00x the fastest; busy machine: load average 3.00 on 2 cores,,,,\n") !=
        std::string::npos);
}

TEST_CASE("bytes and footprint ratios read as a person says them", "[report]") {
  CHECK(bytesText(96) == "96 B");
  CHECK(bytesText(512 * 1024) == "512 KiB");
  CHECK(bytesText(2.0 * 1024 * 1024) == "2.00 MiB");
  CHECK(footprintRatioText(1, 4) == "4.00x smaller");
  CHECK(footprintRatioText(12, 8) == "1.50x larger");
  CHECK(footprintRatioText(8, 8) == "same");
  CHECK(footprintRatioText(0, 8).empty());
}

TEST_CASE("JSON and CSV carry the clock estimate, the SIMD path and the unreliable flag", "[report]") {
  std::vector<BenchRecord> rs = sample();
  rs[0].simdPath = "avx2";
  rs[0].unreliable = "spread 100% > 10%";
  rs[1].simdPath = "avx512-vnni";
  auto j = nlohmann::json::parse(formatJson(rs));
  REQUIRE(j["context"].contains("clock"));
  CHECK(j["context"]["clock"]["ghz"].get<double>() > 0);
  CHECK_FALSE(j["context"]["clock"]["method"].get<std::string>().empty());
  CHECK(j["results"][0]["simd_path"] == "avx2");
  CHECK(j["results"][0]["unreliable"] == "spread 100% > 10%");
  CHECK(j["results"][1]["simd_path"] == "avx512-vnni");
  CHECK(j["results"][1]["unreliable"] == "");
  const std::string csv = csvBody(formatCsv(rs));
  CHECK(csv.substr(0, csv.find('\n')).find(",warnings,simd_path,unreliable") != std::string::npos);
  CHECK(csv.find(",avx2,spread 100% > 10%,,\n") != std::string::npos);  // then chosen_kernel, choice_reason
  CHECK(csv.find(",avx512-vnni,,,\n") != std::string::npos);
  CHECK(contextLines()[1].find(" GHz") != std::string::npos);
}
