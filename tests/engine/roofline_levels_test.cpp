// Bytes per level from one simulation of a kernel's own loop nest
// (engine/roofline_levels.hpp), deterministic: naive against blocked on
// the host's caches and on a teaching hierarchy small n overflows, and an
// untraced kernel's compulsory estimate.
#include <catch2/catch.hpp>

#include "engine/roofline_levels.hpp"
#include "kernels/registry.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

using namespace cachescope;

namespace {

double intensityAt(const KernelTraffic& t, const std::string& level) {
  for (const LevelBytes& b : t.traffic)
    if (b.level == level) return b.bytes > 0 ? t.work / b.bytes : 0;
  FAIL("no level " << level);
  return 0;
}

}  // namespace

TEST_CASE("naive moves far more bytes than blocked where its rows overflow a level", "[engine][levels]") {
  const Kernel* naive = findKernel("matmul.naive");
  const Kernel* blocked = findKernel("matmul.blocked");
  REQUIRE(naive);
  REQUIRE(blocked);
  Params p;
  p.n = 128;
  p.block = 32;
  // The host's caches: 3 x 64 KiB fit every L2 and L3 seen so far, so DRAM
  // sees the compulsory bytes alone for both, while naive's column walk of
  // B (64 KiB, more than an L1d) refetches lines from L2 at every step.
  const KernelTraffic hn = engine::kernelTraffic(*naive, p);
  const KernelTraffic hb = engine::kernelTraffic(*blocked, p);
  REQUIRE(hn.traced);
  REQUIRE(hn.traffic.size() >= 3);
  CHECK_FALSE(hn.sampled);
  CHECK(hn.work == Approx(2.0 * 128 * 128 * 128));
  CHECK(hn.traffic.front().bytes == Approx(4.0 * (2.0 * 128 * 128 * 128 + 128 * 128)));  // every reference, 4 B
  const std::string l2 = hn.traffic[1].level;
  CHECK(intensityAt(hn, l2) * 8 < intensityAt(hb, l2));
  // Compulsory: A and B read, C's lines fetched by its first store
  // (write-allocate); dirty C is still cached at the end: 3 x 64 KiB.
  CHECK(hn.traffic.back().bytes == Approx(3.0 * 128 * 128 * 4));
  CHECK(intensityAt(hn, "DRAM") == Approx(intensityAt(hb, "DRAM")).epsilon(0.05));

  // A teaching hierarchy whose 32 KiB L3 holds half of B: naive refetches
  // B from memory for every row of C, blocked (32 x 32 tiles, 12 KiB) does not.
  sim::HierarchyConfig small;
  small.levels = {{"L1d", 4096, 4, 64}, {"L2", 16384, 4, 64}, {"L3", 32768, 8, 64}};
  const KernelTraffic sn = engine::kernelTraffic(*naive, p, 0, nullptr, nullptr, &small);
  const KernelTraffic sb = engine::kernelTraffic(*blocked, p, 0, nullptr, nullptr, &small);
  INFO("naive DRAM " << intensityAt(sn, "DRAM") << " FLOP/B, blocked " << intensityAt(sb, "DRAM"));
  CHECK(intensityAt(sn, "DRAM") * 8 < intensityAt(sb, "DRAM"));
  CHECK(sn.note.find("given caches") != std::string::npos);
  // Deterministic: the same run gives the same bytes.
  const KernelTraffic again = engine::kernelTraffic(*naive, p, 0, nullptr, nullptr, &small);
  for (std::size_t i = 0; i < sn.traffic.size(); ++i) CHECK(again.traffic[i].bytes == sn.traffic[i].bytes);
}

TEST_CASE("a sampled simulation scales the work to the window it measured", "[engine][levels]") {
  const Kernel* naive = findKernel("matmul.naive");
  REQUIRE(naive);
  Params p;
  p.n = 64;
  const KernelTraffic t = engine::kernelTraffic(*naive, p, 0.25);
  CHECK(t.sampled);
  CHECK(t.sampleFraction == Approx(16.0 / 64));
  CHECK(t.work == Approx(2.0 * 64 * 64 * 64 * 16 / 64));
  CHECK(t.traffic.front().bytes == Approx(4.0 * 16 * (2 * 64 * 64 + 64)));  // the window's references
  CHECK(t.note.find("simulated 25.0% of the outer loop") != std::string::npos);
  CHECK(engine::defaultLevelsSample(1e6) == 1.0);
  CHECK(engine::defaultLevelsSample(4 * engine::kLevelsFullReferences) == Approx(0.25));
}

TEST_CASE("an untraced kernel keeps its compulsory estimate at DRAM", "[engine][levels]") {
  const Kernel* blas = findKernel("matmul.blas");
  REQUIRE(blas);
  REQUIRE_FALSE(blas->traceable());
  Params p;
  p.n = 64;
  const KernelTraffic t = engine::kernelTraffic(*blas, p);
  CHECK_FALSE(t.traced);
  REQUIRE(t.traffic.size() == 1);
  CHECK(t.traffic[0].level == "DRAM");
  CHECK(t.traffic[0].bytes == 3.0 * 64 * 64 * 4);
  CHECK(t.note.find("not traced") != std::string::npos);
}
