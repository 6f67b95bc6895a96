// The roofline with a ceiling per level on hand-made counters: bytes per
// boundary, intensities, the binding ceiling, the roofs' parser, and the
// table and JSON of a placed kernel.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bench/roofline_levels.hpp"
#include "bench/roofline_report.hpp"
#include "kernels/registry.hpp"
#include "platform/errors.hpp"

using namespace cachescope;

namespace {

sim::HierarchyConfig threeLevels() {
  sim::HierarchyConfig c;
  c.levels = {{"L1d", 32 * 1024, 8, 64}, {"L2", 512 * 1024, 8, 64}, {"L3", 32u << 20, 16, 64}};
  return c;
}

sim::LevelCounters counters(std::uint64_t misses, std::uint64_t writebacks) {
  sim::LevelCounters c;
  c.misses = misses;
  c.writebacks = writebacks;
  return c;
}

RooflineMachine machine() {
  RooflineMachine m;
  m.peakGflops = 100;
  m.bandwidthGBs = 20;
  m.simd = "avx2";
  m.levelRoofs = {{"L1d", 200}, {"L2", 80}, {"L3", 40}, {"DRAM", 20}};
  return m;
}

}  // namespace

TEST_CASE("traffic per level: misses plus writebacks times the upper level's line", "[roofline][levels]") {
  sim::HierarchyConfig c = threeLevels();
  const std::vector<sim::LevelCounters> lv = {counters(1000, 10), counters(500, 5), counters(40, 2)};
  sim::MemoryCounters mem;
  mem.reads = 40;
  mem.writes = 2;
  const std::vector<LevelBytes> t = levelTraffic(c, lv, mem, 4.0 * 8000);
  REQUIRE(t.size() == 4);
  CHECK(t[0].level == "L1d");
  CHECK(t[0].boundary == "core <-> L1d");
  CHECK(t[0].bytes == 32000);
  CHECK(t[1].level == "L2");
  CHECK(t[1].boundary == "L1d <-> L2");
  CHECK(t[1].bytes == 1010 * 64);
  CHECK(t[2].level == "L3");
  CHECK(t[2].bytes == 505 * 64);
  CHECK(t[3].level == "DRAM");
  CHECK(t[3].boundary == "L3 <-> memory");
  CHECK(t[3].bytes == 42 * 64);

  // A 128-byte L1 line: its misses move 128 bytes each.
  c.levels[0].lineBytes = 128;
  CHECK(levelTraffic(c, lv, mem, -1)[0].bytes == 1010 * 128);
  CHECK(levelTraffic(c, lv, mem, -1).size() == 3);  // core <-> L1 unknown: left out

  c.write = sim::WritePolicy::WriteThrough;
  CHECK_THROWS_AS(levelTraffic(c, lv, mem, 0), InputError);
  CHECK_THROWS_AS(levelTraffic(threeLevels(), {counters(1, 0)}, mem, 0), InputError);
}

TEST_CASE("placement: the lowest ceiling binds, the compute peak included", "[roofline][levels]") {
  const RooflineMachine m = machine();
  // 1e9 FLOP; L1 2 GB (0.5 FLOP/B x 200 = 100), L2 1 GB (1 x 80 = 80),
  // L3 0.5 GB (2 x 40 = 80, ties go deeper), DRAM 10 MB (100 x 20 = 2000).
  std::vector<LevelBytes> t = {{"L1d", "core <-> L1d", 2e9}, {"L2", "", 1e9}, {"L3", "", 0.5e9}, {"DRAM", "", 1e7}};
  LevelPlacement p = placeByLevels(m, Roof::Fp32, 1e9, t);
  REQUIRE(p.levels.size() == 4);
  CHECK(p.levels[0].intensity == Approx(0.5));
  CHECK(p.levels[0].attainable == Approx(100));
  CHECK(p.levels[1].attainable == Approx(80));
  CHECK(p.levels[2].attainable == Approx(80));
  CHECK(p.levels[3].intensity == Approx(100));
  CHECK(p.levels[3].attainable == Approx(2000));
  CHECK(p.binding == "L3");
  CHECK(p.attainable == Approx(80));
  CHECK(p.computePeak == 100);

  // Little traffic everywhere: the compute peak binds.
  for (LevelBytes& b : t) b.bytes /= 100;
  p = placeByLevels(m, Roof::Fp32, 1e9, t);
  CHECK(p.binding == "compute");
  CHECK(p.attainable == Approx(100));

  // A level without a roof does not bind (and says so by a zero roof).
  RooflineMachine noL3 = m;
  noL3.levelRoofs.erase(noL3.levelRoofs.begin() + 2);
  p = placeByLevels(noL3, Roof::Memory, 1e9, {{"L3", "", 1e12}, {"DRAM", "", 1e9}});
  CHECK(p.levels[0].roofGBs == 0);
  CHECK(p.levels[0].attainable == 0);
  CHECK(p.binding == "DRAM");
  CHECK(p.attainable == Approx(20));
  CHECK(p.computePeak == 0);  // ReLU: the slopes only
  CHECK(levelRoofGBs(m, "L1") == 200);
  CHECK(levelRoofGBs(m, "memory") == 20);
}

TEST_CASE("a point above its level's roof carries a reason", "[roofline][levels]") {
  LevelPoint q;
  q.level = "L3";
  q.attainable = 10;
  CHECK(aboveLevelReason(q, 10.1, true, false, "").empty());
  CHECK(aboveLevelReason(q, 12, true, false, "") == "beats the probe's L3 loop");
  CHECK(aboveLevelReason(q, 12, true, false, "portable nest") == "the traced nest is not the timed code");
  CHECK(aboveLevelReason(q, 12, false, false, "") == "compulsory bytes only: not traced");
}

TEST_CASE("level roofs parse as LEVEL=GB/s, in hierarchy order", "[roofline][levels]") {
  const std::vector<LevelRoof> r = parseLevelRoofs("DRAM=18,L1=210.5,L3=40,L2=95", "--level-roofs");
  REQUIRE(r.size() == 4);
  CHECK(r[0].level == "L1d");
  CHECK(r[0].gbPerSecond == 210.5);
  CHECK(r[1].level == "L2");
  CHECK(r[3].level == "DRAM");
  for (const char* bad : {"", "L1d", "L1d=", "L1d=x", "L1d=-3", "L4=10", "L2=10,L2=20", "L1d=10,", "=5", "L2=1e999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseLevelRoofs(bad, "--level-roofs"), InputError);
  }
  try {
    parseLevelRoofs("L4=10", "--level-roofs");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).rfind("--level-roofs: ", 0) == 0);
  }
}

TEST_CASE("per-level table and JSON of a placed kernel", "[roofline][levels][report]") {
  const RooflineMachine m = machine();
  const Kernel* naive = findKernel("matmul.naive");
  const Kernel* blas = findKernel("matmul.blas");
  REQUIRE(naive);
  REQUIRE(blas);
  std::vector<Job> jobs = {{naive, Params{100}}, {blas, Params{100}}};
  BenchRecord a, b;
  a.kernel = "matmul.naive";
  b.kernel = "matmul.blas";
  a.n = b.n = 100;
  a.medianS = 2e6 / 1e9;   // 1 GFLOP/s
  b.medianS = 2e6 / 90e9;  // 90 GFLOP/s
  std::vector<PlacedKernel> placed = placeKernels(m, jobs, {a, b});
  KernelTraffic traced;
  traced.traced = true;
  traced.work = 2e6;
  traced.note = "simulated in full";
  traced.traffic = {{"L1d", "core <-> L1d", 8e6}, {"L2", "L1d <-> L2", 4e6}, {"L3", "L2 <-> L3", 4e6},
                    {"DRAM", "L3 <-> memory", 1.2e5}};
  placed[0].levels = placeLevels(m, placed[0], traced);
  KernelTraffic compulsory;
  compulsory.work = 2e6;
  compulsory.traffic = {{"DRAM", "compulsory estimate", 1.2e5}};
  placed[1].levels = placeLevels(m, placed[1], compulsory);
  // naive: L3 ceiling 0.5 FLOP/B x 40 = 20 GFLOP/s binds; blas compute.
  CHECK(placed[0].levels->placement.binding == "L3");
  CHECK(placed[0].levels->placement.attainable == Approx(20));
  CHECK(placed[1].levels->placement.binding == "compute");

  const std::string t = rooflineTable(m, placed);
  INFO(t);
  CHECK(t.find("level roofs     L1d 200.0 GB/s L2 80.0 GB/s L3 40.0 GB/s DRAM 20.0 GB/s") != std::string::npos);
  CHECK(t.find("L3            3.8        0.5   40.0     20.0            <- binds") != std::string::npos);
  CHECK(t.find("compulsory estimate (not traced)") != std::string::npos);
  CHECK(t.find("=> bound                                20.0      5.0%  by L3") != std::string::npos);

  const nlohmann::json j = rooflineJson(m, placed);
  REQUIRE(j["machine"]["level_roofs"].size() == 4);
  CHECK(j["machine"]["level_roofs"][0]["level"] == "L1d");
  CHECK(j["machine"]["level_roofs"][0]["gb_per_s"] == 200.0);
  const nlohmann::json& L = j["kernels"][0]["levels"];
  CHECK(L["traced"] == true);
  CHECK(L["binding"] == "L3");
  CHECK(L["attainable_gflops"] == Approx(20));
  REQUIRE(L["per_level"].size() == 4);
  CHECK(L["per_level"][2]["level"] == "L3");
  CHECK(L["per_level"][2]["bytes"] == 4e6);
  CHECK(L["per_level"][2]["intensity"] == Approx(0.5));
  CHECK(L["per_level"][2]["roof_gb_per_s"] == 40.0);
  CHECK(L["per_level"][2]["ceiling_gflops"] == Approx(20));
  CHECK(j["kernels"][1]["levels"]["traced"] == false);
  CHECK(j["kernels"][1]["levels"]["per_level"].size() == 1);

  // The plot's view: the traced kernel's four points, blas's one.
  const std::vector<plot::RooflineLevelKernel> k = rooflineLevelKernels(placed);
  REQUIRE(k.size() == 2);
  CHECK(k[0].label == "naive");
  CHECK(k[0].points.size() == 4);
  CHECK(k[0].binding == "L3");
  CHECK(k[1].traced == false);
  CHECK(k[1].points.size() == 1);
}
