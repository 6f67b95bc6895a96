// `cachescope probe`: bad sizes, strides, probes and options are one line
// and exit 2 before anything runs; a small run writes its JSON whole.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

using namespace cachescope;
using cachescope::test::requireUsageError;
using cachescope::test::runCli;

TEST_CASE("probe: bad input is one line and exit 2", "[cli][probe]") {
  requireUsageError({"probe", "speed"}, "not a probe");
  requireUsageError({"probe", "latency", "--max-size", "lots"}, "--max-size");
  requireUsageError({"probe", "latency", "--max-size", "512"}, "--max-size");
  requireUsageError({"probe", "latency", "--min-size", "2M", "--max-size", "1M"}, "--min-size");
  requireUsageError({"probe", "latency", "--max-size", "1000000G"}, "memory budget");
  requireUsageError({"probe", "latency", "--points-per-octave", "0"}, "--points-per-octave");
  requireUsageError({"probe", "latency", "--reps", "0"}, "--reps");
  requireUsageError({"probe", "bandwidth", "--threads", "0"}, "--threads");
  requireUsageError({"probe", "bandwidth", "--threads", "100000"}, "--threads");
  requireUsageError({"probe", "mountain", "--strides", "1,64"}, "--strides");
  requireUsageError({"probe", "mountain", "--strides", "1,x"}, "--strides");
  requireUsageError({"probe", "latency", "--strides", "1,2"}, "mountain");
  requireUsageError({"probe", "traversal", "--n", "3"}, "--n");
  requireUsageError({"probe", "latency", "--format", "xml"}, "--format");
  requireUsageError({"probe", "latency", "--prefetch", "stride"}, "--simulate");
  requireUsageError({"probe", "latency", "--simulate", "--prefetch", "sideways"}, "prefetch");
  requireUsageError({"probe", "latency", "--simulate", "--l1", "1000:3:64"}, "L1");
  requireUsageError({"probe", "latency", "--simulate", "--caches", "no-such-preset"}, "no-such-preset");
  requireUsageError({"probe", "latency", "--plot", "ladder.gif"}, "--plot");
}

TEST_CASE("probe latency --format json explains itself and is written whole", "[cli][probe]") {
  const auto dir = std::filesystem::temp_directory_path() / "cachescope_probe_cli_test";
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "ladder.json").string();
  const std::string svg = (dir / "ladder.svg").string();
  const auto r = runCli({"probe", "latency", "--max-size", "64K", "--reps", "1", "--points-per-octave", "1", "--simulate",
                         "--format", "json", "--out", out, "--plot", svg, "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["probe"] == "latency");
  CHECK(j["units"].contains("ns_per_load"));
  CHECK(j["context"].contains("cpu"));
  CHECK(j["protocol"]["reps"] == 1);
  CHECK(!j["clock"]["method"].get<std::string>().empty());
  CHECK(j["series"].size() == 2);
  CHECK(j["series"][0]["points"].size() == 7);  // 1K .. 64K, one per octave
  CHECK(j["series"][0]["points"][0].contains("predicted_ns"));
  CHECK(std::filesystem::file_size(svg) > 1000);
  std::filesystem::remove_all(dir);
}
