#include <catch2/catch.hpp>

#include "platform/host.hpp"

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
