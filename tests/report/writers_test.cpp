#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

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

TEST_CASE("CSV has a header, one row per record, empty unused params", "[report]") {
  std::string csv = formatCsv(sample());
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
  CHECK(formatCsv({c}).find(",cancelled\n") != std::string::npos);
  CHECK(nlohmann::json::parse(formatJson({c}))["results"][0]["error"] == "cancelled");
  c.outcome = Outcome::Ok;
  CHECK(outcomeText(c).empty());
}
