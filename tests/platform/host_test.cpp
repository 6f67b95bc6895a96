#include <catch2/catch.hpp>

#include "platform/host.hpp"
#include "platform/outcome.hpp"
#include "platform/splitmix.hpp"

using namespace cachescope;

TEST_CASE("host facts are plausible", "[platform]") {
  const HostInfo& h = host();
  CHECK(h.logicalCores >= 1);
  CHECK(!h.cpuModel.empty());
  REQUIRE(h.cache(1) != nullptr);
  for (const CacheInfo& c : h.caches) {
    INFO("L" << c.level);
    CHECK(c.sizeBytes > 0);
    CHECK(c.ways > 0);
    CHECK(c.lineBytes > 0);
    CHECK(std::size_t(c.sets) * c.ways * c.lineBytes == c.sizeBytes);
  }
}

TEST_CASE("byte sizes parse and print", "[platform]") {
  std::uint64_t b = 0;
  CHECK((parseByteSize("48K", b) && b == 48 * 1024));
  CHECK((parseByteSize("2M", b) && b == 2u << 20));
  CHECK((parseByteSize("4096", b) && b == 4096));
  CHECK(!parseByteSize("", b));
  CHECK(!parseByteSize("K", b));
  CHECK(!parseByteSize("12Q", b));
  // A suffix that takes the value past 2^64 is refused, not wrapped
  // (17179869185G wrapped to 1 GiB, 17179869184G to 0).
  CHECK(!parseByteSize("17179869185G", b));
  CHECK(!parseByteSize("17179869184G", b));
  CHECK((parseByteSize("17179869183G", b) && b == 17179869183ull << 30));
  CHECK(!parseByteSize("18014398509481984K", b));  // 2^54 K: too many digits as well
  CHECK((parseByteSize("999999999999999", b) && b == 999999999999999ull));
  CHECK(formatBytes(48 * 1024) == "48 KiB");
  CHECK(formatBytes(105u << 20) == "105 MiB");
  CHECK(formatBytes(100) == "100 B");
}

TEST_CASE("CACHESCOPE_SIMD lowers, never raises, the SIMD level", "[platform]") {
  ::setenv("CACHESCOPE_SIMD", "scalar", 1);
  CHECK(activeSimd() == SimdLevel::Scalar);
  ::setenv("CACHESCOPE_SIMD", "avx512", 1);
  CHECK(activeSimd() == host().simd);
  ::unsetenv("CACHESCOPE_SIMD");
  CHECK(activeSimd() == host().simd);
}

TEST_CASE("the memory budget is 80% of what is available, and no check when unknown", "[platform]") {
  const std::uint64_t gib = std::uint64_t(1) << 30;
  CHECK(fitsMemoryBudget(0.8 * 10 * double(gib), 10 * gib));
  CHECK_FALSE(fitsMemoryBudget(0.81 * 10 * double(gib), 10 * gib));
  CHECK(fitsMemoryBudget(1e18, 0));  // unknown: no check beats a wrong one
}

TEST_CASE("SplitMix64 gives the reference stream", "[platform]") {
  // The first outputs for seed 0 (Vigna's splitmix64.c).
  SplitMix64 rng{0};
  CHECK(rng.next() == 0xe220a8397b1dcdafull);
  CHECK(rng.next() == 0x6e789e6aa1b965f4ull);
  CHECK(rng.next() == 0x06c45d188009454full);
  CHECK(rng.state == 3 * SplitMix64::kGamma);
}

TEST_CASE("outcomes have stable names", "[platform]") {
  CHECK(std::string(toString(Outcome::Ok)) == "ok");
  CHECK(std::string(toString(Outcome::Failed)) == "failed");
  CHECK(std::string(toString(Outcome::Cancelled)) == "cancelled");
}
