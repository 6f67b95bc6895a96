// simulate's table and JSON writers on a hand-made result: the exact text
// the CLI prints, and the JSON keys scripts read (shared/design.md section 4).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "trace/simulation_report.hpp"

using namespace cachescope;
using namespace cachescope::trace;

namespace {

SimulationResult traceResult() {
  SimulationResult r;
  r.source = Source::TraceFile;
  r.cache.levels = {sim::parseLevelSpec("32K:8:64", "L1d")};
  r.cache.missClasses = sim::MissClasses::Off;
  sim::LevelCounters c;
  c.accesses = 1000;
  c.hits = 900;
  c.misses = 100;
  c.evictions = 40;
  c.writebacks = 5;
  r.levels = {c};
  r.memory.reads = 100;
  r.memory.writes = 5;
  r.references = r.simulatedReferences = 1000;
  r.writes = 200;
  r.wallSeconds = 0.5;
  r.accessesPerSecond = 2000;
  r.traceLines = 1234;
  return r;
}

}  // namespace

TEST_CASE("simulation table: header, one aligned row per level, traffic and speed", "[trace][report]") {
  const SimulationLabels labels{"teaching", "-", 1.0};
  CHECK(simulationTable(traceResult(), labels) ==
        "trace (standard input): 1,234 lines\n"
        "  caches: teaching, lru, write-back + write-allocate, non-inclusive (no back-invalidation)\n"
        "\n"
        "level  config              accesses  hits  misses  hit rate  evictions  writebacks\n"
        "L1d    32K:8:64 (64 sets)     1,000   900     100    90.00%         40           5\n"
        "memory: 100 line reads, 5 line writes\n"
        "three-C split off (--miss-classes on computes it; a fully associative shadow per level costs about 5x "
        "the time)\n"
        "\n"
        "1,000 references (200 stores) in 0.500 s: 0.0 M accesses/s\n");

  SimulationResult stopped = traceResult();
  stopped.outcome = Outcome::Cancelled;
  stopped.skippedLines = 3;
  stopped.firstSkippedLine = 17;
  const std::string t = simulationTable(stopped, {"host", "lackey.out", 1.0});
  CHECK(t.rfind("trace lackey.out: 1,234 lines, 3 malformed lines skipped (first: line 17)\n", 0) == 0);
  CHECK(t.find("  CANCELLED: counters cover the part simulated\n") != std::string::npos);
}

TEST_CASE("simulation JSON: per-level counters, config and outcome", "[trace][report]") {
  SimulationResult r = traceResult();
  nlohmann::json j = nlohmann::json::parse(simulationJsonText(r, {"teaching", "-", 1.0}));
  CHECK(j["source"] == "trace");
  CHECK(j["config"]["preset"] == "teaching");
  CHECK(j["config"]["levels"] == nlohmann::json::array({"32K:8:64"}));
  REQUIRE(j["levels"].size() == 1);
  CHECK(j["levels"][0]["accesses"] == 1000);
  CHECK(j["levels"][0]["hits"] == 900);
  CHECK(j["levels"][0]["misses"] == 100);
  CHECK(j["levels"][0]["hit_rate"] == 0.9);
  CHECK(j["levels"][0]["sets"] == 64);
  CHECK_FALSE(j["levels"][0].contains("compulsory"));  // three-C split off
  CHECK(j["trace"]["file"] == "-");
  CHECK(j["trace"]["lines"] == 1234);
  CHECK(j["cancelled"] == false);
  r.outcome = Outcome::Cancelled;
  CHECK(simulationJson(r, {}).at("cancelled") == true);
  CHECK(simulationJsonText(r, {}).back() == '\n');
}
