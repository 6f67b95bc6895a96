#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "report/bench_json_reader.hpp"
#include "report/writers.hpp"

using namespace cachescope;

namespace {

// Values that do not survive a short decimal form (1/3, 1e-7 / 3): the
// reader must return the very doubles the writer had.
std::vector<BenchRecord> records() {
  BenchRecord a;
  a.kernel = "matmul.blocked";
  a.n = 96;
  a.block = 32;
  a.threads = 2;
  a.warmup = 1;
  a.reps = 3;
  a.timesS = {1.0 / 3, 1e-7 / 3, 2.0 / 7};
  a.medianS = 2.0 / 7;
  a.meanS = 0.1 + 0.2;
  a.stddevS = std::sqrt(2.0) / 1000;
  a.minS = 1e-7 / 3;
  a.maxS = 1.0 / 3;
  a.work = 2.0 * 96 * 96 * 96;
  a.unit = "GFLOP/s";
  a.rate = a.work / a.medianS / 1e9;
  BenchRecord q;
  q.kernel = "matmul.sparse";
  q.n = 64;
  q.density = 0.3;
  q.bits = 4;
  q.reps = 1;
  q.timesS = {0.5};
  q.medianS = q.meanS = q.minS = q.maxS = 0.5;
  q.stddevS = std::nan("");  // one repetition: written as null
  q.work = 1e6;
  q.unit = "GOP/s";
  q.rate = 0.002;
  q.errMaxAbs = 0.125;
  q.errRelative = 1.0 / 9;
  q.footprintBytes = 64.0 * 64 * 4 + 1229 * 8 + 65 * 4;
  q.fp32FootprintBytes = 8.0 * 64 * 64;
  q.denseEquivalentRate = 1.0 / 3;
  q.warnings = {"spread: slowest rep 2.00x the fastest", "busy machine"};
  BenchRecord f;
  f.kernel = "relu.naive";
  f.n = 8;
  f.reps = 2;
  f.failure = "out of memory";
  f.outcome = Outcome::Failed;
  f.warnings = {"block 1000 is wider than n = 8: ran with block 8"};
  return {a, q, f};
}

}  // namespace

TEST_CASE("bench JSON reads back into the records that wrote it", "[report]") {
  const std::vector<BenchRecord> in = records();
  const std::vector<BenchRecord> out = parseBenchJson(formatJson(in));
  REQUIRE(out.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const BenchRecord &a = in[i], &b = out[i];
    INFO(a.kernel);
    CHECK(b.kernel == a.kernel);
    CHECK(b.n == a.n);
    CHECK(b.block == a.block);
    CHECK(b.threads == a.threads);
    CHECK(b.bits == a.bits);
    CHECK(b.density == a.density);
    CHECK(b.warmup == a.warmup);
    CHECK(b.reps == a.reps);
    CHECK(b.failure == a.failure);
    CHECK(b.outcome == a.outcome);
    CHECK(b.warnings == a.warnings);
    CHECK(b.footprintBytes == a.footprintBytes);
    CHECK(b.fp32FootprintBytes == a.fp32FootprintBytes);
    if (!a.failure.empty()) continue;  // a failed run carries only its parameters
    CHECK(b.timesS == a.timesS);        // exact: round-trip precision
    CHECK(b.medianS == a.medianS);
    CHECK(b.meanS == a.meanS);
    CHECK(b.minS == a.minS);
    CHECK(b.maxS == a.maxS);
    CHECK((b.stddevS == a.stddevS || (std::isnan(a.stddevS) && std::isnan(b.stddevS))));
    CHECK(b.work == a.work);
    CHECK(b.rate == a.rate);
    CHECK(b.unit == a.unit);
    CHECK(b.errMaxAbs == a.errMaxAbs);
    CHECK(b.errRelative == a.errRelative);
    CHECK(b.denseEquivalentRate == a.denseEquivalentRate);
  }
  // Written again, the records give the same results (the context carries
  // the time of writing, so it is left out).
  CHECK(nlohmann::json::parse(formatJson(out))["results"] == nlohmann::json::parse(formatJson(in))["results"]);
}

TEST_CASE("bench JSON reader rejects what is not a bench report", "[report]") {
  for (const char* text : {"", "{", "[]", "{\"results\": 3}", "{\"results\": [{\"n\": 4}]}",
                           "{\"results\": [{\"kernel\": \"relu.naive\"}]}",
                           "{\"results\": [{\"kernel\": \"relu.naive\", \"n\": 4, \"median_s\": \"fast\"}]}",
                           "{\"results\": [{\"kernel\": \"relu.naive\", \"n\": 4, \"warnings\": \"busy\"}]}",
                           "{\"results\": [{\"kernel\": \"relu.naive\", \"n\": 4, \"warnings\": [3]}]}",
                           "{\"results\": [{\"kernel\": \"relu.naive\", \"n\": 4, \"footprint_bytes\": \"big\"}]}"}) {
    INFO(text);
    CHECK_THROWS_AS(parseBenchJson(text), BenchJsonError);
  }
  CHECK(parseBenchJson("{\"results\": []}").empty());
}
