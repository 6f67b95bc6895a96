// The integer GEMM engine is exact up to the final fp32 scaling: every ISA
// path must reproduce the int32 dot products bit for bit, including several
// kc blocks (partial sums parked in C), k not a multiple of 4, edge tiles and
// the extreme values +-qmax where int16 saturation or the +128 offset would
// show.
#include "kernels/int_gemm.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "platform/host.hpp"

using namespace cachescope;

namespace {

struct SimdOverride {
  explicit SimdOverride(const char* level) { ::setenv("CACHESCOPE_SIMD", level, 1); }
  ~SimdOverride() { ::unsetenv("CACHESCOPE_SIMD"); }
};

std::vector<std::int8_t> randomInts(std::size_t count, int qmax, unsigned seed) {
  std::vector<std::int8_t> v(count);
  unsigned s = seed;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = std::int8_t(int((s >> 8) % unsigned(2 * qmax + 1)) - qmax);
  }
  return v;
}

void checkExact(int m, int n, int k, const std::vector<std::int8_t>& aq, const std::vector<std::int8_t>& bq,
                IntStorage storage) {
  std::vector<float> sa(m), sb(n);
  for (int i = 0; i < m; ++i) sa[i] = 0.01f * float(i + 1);
  for (int j = 0; j < n; ++j) sb[j] = 0.5f / float(j + 1);
  IntGemm gemm(m, n, k, aq.data(), bq.data(), sa, sb, storage);
  const std::size_t ldc = std::size_t(n) + 3;  // a padded C
  std::vector<float> c(std::size_t(m) * ldc, -7.0f);
  gemm.run(c.data(), ldc);
  gemm.run(c.data(), ldc);  // twice: nothing may depend on C's old contents
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      std::int32_t acc = 0;
      for (int kk = 0; kk < k; ++kk) acc += std::int32_t(aq[std::size_t(i) * k + kk]) * bq[std::size_t(kk) * n + j];
      const float want = float(acc) * sa[i] * sb[j];
      INFO("isa " << gemm.isa().name << " m,n,k " << m << "," << n << "," << k << " at " << i << "," << j);
      REQUIRE(c[std::size_t(i) * ldc + j] == want);
    }
    for (std::size_t j = std::size_t(n); j < ldc; ++j) REQUIRE(c[std::size_t(i) * ldc + j] == -7.0f);
  }
}

void checkAllShapes(IntStorage storage) {
  const int qmax = storage == IntStorage::Int4 ? 7 : 127;
  struct Shape {
    int m, n, k;
  };
  // 70 x 96 x 200: full 32 x 32 AMX and 6 x 64 VNNI tiles beside partial ones.
  for (Shape s : {Shape{1, 1, 1}, Shape{7, 70, 13}, Shape{13, 65, 301}, Shape{5, 17, 1031}, Shape{70, 96, 200}}) {
    checkExact(s.m, s.n, s.k, randomInts(std::size_t(s.m) * s.k, qmax, 1), randomInts(std::size_t(s.k) * s.n, qmax, 2),
               storage);
  }
  // Extremes: every product is +-qmax^2, the largest pmaddubsw pair and the
  // largest offset correction.
  for (int sa : {-1, 1})
    for (int sb : {-1, 1}) {
      const int m = 32, n = 64, k = 1100;  // full tiles on every path, several kc blocks
      checkExact(m, n, k, std::vector<std::int8_t>(std::size_t(m) * k, std::int8_t(sa * qmax)),
                 std::vector<std::int8_t>(std::size_t(k) * n, std::int8_t(sb * qmax)), storage);
    }
}

void checkEveryPath() {
  checkAllShapes(IntStorage::Int8);
  checkAllShapes(IntStorage::Int4);
}

}  // namespace

TEST_CASE("integer GEMM is exact on the best path of this CPU", "[int_gemm]") {
  checkEveryPath();
}

TEST_CASE("integer GEMM takes AMX tiles where the CPU and the OS allow them", "[int_gemm][amx]") {
  const std::string name = selectIntGemmIsa().name;
  if (amxActive()) {
    REQUIRE(name == "amx");
    const IntGemmIsa isa = selectIntGemmIsa();
    CHECK(isa.rowMajorA);
    CHECK(isa.kAlign == 64);
    std::vector<std::int8_t> a(8 * 40, 1), b(40 * 9, 1);
    IntGemm g(8, 9, 40, a.data(), b.data(), std::vector<float>(8, 1.0f), std::vector<float>(9, 1.0f),
              IntStorage::Int8);
    CHECK(g.kc() % 64 == 0);
  } else {
    REQUIRE(name != "amx");
    WARN("skipped: no AMX here (CPU amx_int8: " << host().amxInt8 << "), so the AMX tile kernel was not run");
  }
}

TEST_CASE("integer GEMM is exact on the AVX-512 VNNI path", "[int_gemm][avx512]") {
  SimdOverride force("avx512");
  CHECK_FALSE(amxActive());
  if (host().avx512vnni) {
    REQUIRE(std::string(selectIntGemmIsa().name) == "avx512-vnni");
  } else {
    REQUIRE(std::string(selectIntGemmIsa().name) != "avx512-vnni");
    WARN("skipped: this CPU has no AVX-512 VNNI, the next path down was checked instead");
  }
  checkEveryPath();
}

TEST_CASE("integer GEMM is exact on the AVX2 path", "[int_gemm][avx2]") {
  SimdOverride force("avx2");
  if (host().simd >= SimdLevel::Avx2) {
    REQUIRE(std::string(selectIntGemmIsa().name) == "avx2");
  } else {
    // The override only lowers the level: without AVX2 the engine must fall
    // back to the scalar kernels, which are then checked.
    REQUIRE(std::string(selectIntGemmIsa().name) == "scalar");
    WARN("skipped: this CPU has no AVX2, so the AVX2 integer kernels were not run (scalar checked instead)");
  }
  checkEveryPath();
}

TEST_CASE("integer GEMM is exact on the scalar path", "[int_gemm][scalar]") {
  SimdOverride force("scalar");
  REQUIRE(std::string(selectIntGemmIsa().name) == "scalar");
  checkEveryPath();
}

TEST_CASE("integer GEMM block sizes come from the caches and stay in range", "[int_gemm]") {
  std::vector<std::int8_t> a(8 * 40, 1), b(40 * 9, 1);
  IntGemm g(8, 9, 40, a.data(), b.data(), std::vector<float>(8, 1.0f), std::vector<float>(9, 1.0f), IntStorage::Int8);
  CHECK(g.kc() % 4 == 0);
  CHECK(g.kc() >= 4);
  const int ka = g.isa().kAlign;  // k = 40 padded to the path's k alignment (4, or 64 for AMX)
  CHECK(g.kc() % ka == 0);
  CHECK(g.kc() <= (40 + ka - 1) / ka * ka);
  CHECK(g.mc() % g.isa().mr == 0);
  CHECK(g.bytes() > 0);
  // A deep k: the B micro-panel (kc x nr bytes) within its share of L1 (or
  // of L2, on the VNNI path with half-rate zmm), and the k passes evened out
  // (no short last pass).
  const int deep = 2000;
  std::vector<std::int8_t> ad(2 * deep, 1), bd(std::size_t(deep) * 3, 1);
  IntGemm d(2, 3, deep, ad.data(), bd.data(), std::vector<float>(2, 1.0f), std::vector<float>(3, 1.0f), IntStorage::Int8);
  const int kp = (deep + ka - 1) / ka * ka;
  const int passes = (kp + d.kc() - 1) / d.kc();
  INFO("kc " << d.kc() << ", " << passes << " passes over k " << kp);
  CHECK(d.kc() % ka == 0);
  CHECK(d.kc() * passes - kp < passes * ka);
  const std::size_t l1 = host().cache(1) && host().cache(1)->sizeBytes ? host().cache(1)->sizeBytes : 32 * 1024;
  const std::size_t l2 = host().cache(2) && host().cache(2)->sizeBytes ? host().cache(2)->sizeBytes : 1024 * 1024;
  CHECK(d.isa().bFromL2 == (host().zmmHalfRate && std::string(d.isa().name) == "avx512-vnni"));
  const std::size_t share = std::max(l1 * std::size_t(d.isa().l1TwelfthsB) / 12, d.isa().bFromL2 ? l2 / 16 : 0);
  CHECK(std::size_t(d.kc()) * std::size_t(d.isa().nr) <= std::max(share, std::size_t(ka) * std::size_t(d.isa().nr)));
  if (d.isa().bFromL2 && l2 / 16 > l1) CHECK(std::size_t(d.kc()) * std::size_t(d.isa().nr) > l1);  // the rule's point
  CHECK_THROWS_AS(IntGemm(0, 9, 40, a.data(), b.data(), {}, std::vector<float>(9, 1.0f), IntStorage::Int8),
                  std::invalid_argument);
  std::vector<std::int8_t> big(8 * 40, 9);  // 9 does not fit in int4
  CHECK_THROWS_AS(IntGemm(8, 9, 40, big.data(), b.data(), std::vector<float>(8, 1.0f), std::vector<float>(9, 1.0f),
                          IntStorage::Int4),
                  std::invalid_argument);
}
