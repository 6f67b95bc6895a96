// `roofline --levels` run in-process with the level roofs given
// (--level-roofs), so only the short peak loops are timed: the JSON's
// per-level fields, the table's per-level rows, the plot, and bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "run_cli.hpp"

namespace fs = std::filesystem;
using cachescope::test::requireUsageError;
using cachescope::test::runCli;

namespace {

const std::vector<std::string> kBase = {"roofline", "--levels", "--level-roofs", "L1d=200,L2=80,L3=40,DRAM=18",
                                        "--n", "128", "--seconds", "0.02", "--reps", "1"};

std::vector<std::string> with(std::vector<std::string> more) {
  std::vector<std::string> a = kBase;
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("roofline --levels JSON: roofs per level, traffic, intensity and the binding level per kernel", "[cli][levels]") {
  const auto r = runCli(with({"--kernels", "matmul.naive,matmul.blocked,matmul.blas", "--format", "json"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& roofs = j["machine"]["level_roofs"];
  REQUIRE(roofs.size() == 4);
  CHECK(roofs[0]["level"] == "L1d");
  CHECK(roofs[3]["level"] == "DRAM");
  CHECK(roofs[2]["gb_per_s"] == 40.0);
  REQUIRE(j["kernels"].size() == 3);
  for (int i = 0; i < 2; ++i) {
    const auto& L = j["kernels"][i]["levels"];
    INFO(j["kernels"][i]["kernel"]);
    CHECK(L["traced"] == true);
    CHECK(L["sampled"] == false);
    CHECK(L["work"].get<double>() == Approx(2.0 * 128 * 128 * 128));
    REQUIRE(L["per_level"].size() >= 3);
    CHECK(L["per_level"][0]["level"] == "L1d");
    CHECK(L["per_level"][0]["boundary"] == "core <-> L1d");
    CHECK(L["per_level"].back()["level"] == "DRAM");
    for (const auto& q : L["per_level"]) {
      CHECK(q["bytes"].get<double>() > 0);
      CHECK(q["intensity"].get<double>() == Approx(L["work"].get<double>() / q["bytes"].get<double>()));
      CHECK(q.contains("roof_gb_per_s"));
      CHECK(q["ceiling_gflops"].get<double>() == Approx(q["roof_gb_per_s"].get<double>() * q["intensity"].get<double>()));
    }
    CHECK(L["binding"].is_string());
    CHECK(L["attainable_gflops"].get<double>() > 0);
  }
  // naive's first cache boundary moves more bytes than blocked's.
  CHECK(j["kernels"][0]["levels"]["per_level"][1]["bytes"].get<double>() >
        4 * j["kernels"][1]["levels"]["per_level"][1]["bytes"].get<double>());
  const auto& blas = j["kernels"][2]["levels"];
  CHECK(blas["traced"] == false);
  REQUIRE(blas["per_level"].size() == 1);
  CHECK(blas["per_level"][0]["level"] == "DRAM");
  CHECK(blas["per_level"][0]["bytes"] == 3.0 * 128 * 128 * 4);
  CHECK(blas["traffic_source"].get<std::string>().find("not traced") != std::string::npos);
}

TEST_CASE("roofline --levels table and plot", "[cli][levels][plot]") {
  const fs::path svg = fs::temp_directory_path() / ("cachescope-levels-" + std::to_string(::getpid()) + ".svg");
  const auto r = runCli(with({"--kernels", "matmul.naive,matmul.blas", "--plot", svg.string()}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("level roofs     L1d 200.0 GB/s L2 80.0 GB/s L3 40.0 GB/s DRAM 18.0 GB/s") != std::string::npos);
  CHECK(r.out.find("<- binds") != std::string::npos);
  CHECK(r.out.find("=> bound") != std::string::npos);
  CHECK(r.out.find("compulsory estimate (not traced)") != std::string::npos);
  CHECK(r.out.find("matmul.naive: simulated in full on the host caches") != std::string::npos);
  std::ifstream in(svg);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(svg);
  const std::string text = ss.str();
  CHECK(text.find("Roofline per level") != std::string::npos);
  CHECK(text.find("L1d x 200 GB/s") != std::string::npos);
  CHECK(text.find("DRAM x 18.0 GB/s") != std::string::npos);
  CHECK(text.find("naive: ") != std::string::npos);
  CHECK(text.find("blas (not traced: compulsory DRAM bytes)") != std::string::npos);
}

TEST_CASE("roofline --levels bad input: one line, exit 2", "[cli][levels]") {
  requireUsageError({"roofline", "--level-roofs", "L1d=1"}, "--level-roofs needs --levels");
  requireUsageError({"roofline", "--sample", "0.5"}, "--sample needs --levels");
  requireUsageError({"roofline", "--levels", "--level-roofs", "L1d=1", "--sample", "2"}, "--sample must be in (0, 1]");
  requireUsageError({"roofline", "--levels", "--level-roofs", "L5=3"}, "--level-roofs: level 'L5'");
  requireUsageError({"roofline", "--levels", "--level-roofs", "L2=fast"}, "--level-roofs: L2 bandwidth 'fast'");
}

TEST_CASE("roofline --levels on given caches: naive's DRAM intensity falls below blocked's once the matrices overflow the last level", "[cli][levels]") {
  // n=128 on a 32 KiB L3 that holds half of B (64 KiB): naive fetches B from
  // memory again for every row of C, blocked reuses its tiles.
  const auto r = runCli(with({"--kernels", "matmul.naive,matmul.blocked", "--format", "json", "--l1", "4K:4:64", "--l2",
                              "16K:4:64", "--l3", "32K:8:64"}));
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["kernels"].size() == 2);
  auto dram = [&](int k) {
    const auto& per = j["kernels"][k]["levels"]["per_level"];
    REQUIRE(per.back()["level"] == "DRAM");
    return per.back()["intensity"].get<double>();
  };
  CHECK(dram(0) * 8 < dram(1));
  CHECK(j["kernels"][0]["levels"]["traffic_source"].get<std::string>().find("given caches") != std::string::npos);
  // A preset by name works too.
  const auto preset = runCli(with({"--kernels", "matmul.naive", "--caches", "teaching-small"}));
  INFO(preset.err);
  CHECK(preset.code == 0);
  CHECK(preset.out.find("on the given caches") != std::string::npos);
}

TEST_CASE("roofline: --caches and --l3 without --levels, and a bad level, are usage errors", "[cli][levels]") {
  requireUsageError({"roofline", "--kernels", "none", "--caches", "teaching-small"}, "need --levels");
  requireUsageError(with({"--kernels", "matmul.naive", "--l3", "64K:0:64"}), "ways");
  requireUsageError(with({"--kernels", "matmul.naive", "--l1", "none"}), "--l1 cannot be none");
}
