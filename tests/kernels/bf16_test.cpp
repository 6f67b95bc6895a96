// matmul.bf16 and its engines (AMX tiles, AVX512-BF16): the rounding is
// round-to-nearest-even, each engine the host has is exact where bf16 and
// fp32 are (small integers: every product and sum representable), on edge
// tiles, several kc blocks and a padded C; and the kernel's error against
// fp32 is bf16's, not fp32's, on every path, the emulation included.
#include "kernels/bf16_gemm.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "kernels/registry.hpp"
#include <tbb/task_arena.h>
#include "platform/host.hpp"

using namespace cachescope;

namespace {

struct SimdOverride {
  explicit SimdOverride(const char* level) { ::setenv("CACHESCOPE_SIMD", level, 1); }
  ~SimdOverride() { ::unsetenv("CACHESCOPE_SIMD"); }
};

std::vector<float> smallInts(std::size_t count, unsigned seed) {
  std::vector<float> v(count);
  unsigned s = seed;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = float(int((s >> 8) % 17u) - 8);
  }
  return v;
}

std::unique_ptr<Prepared> runBf16(const Problem& problem, int threads) {
  const Kernel* k = findKernel("matmul.bf16");
  REQUIRE(k);
  Params p;
  p.n = problem.n;
  p.bits = 16;
  p.threads = threads;
  std::unique_ptr<Prepared> prepared = k->prepare(problem, p);
  prepared->run();
  return prepared;
}

void checkExactShapes() {
  struct Shape {
    int m, n, k, threads;
  };
  for (Shape s : {Shape{1, 1, 1, 1}, Shape{32, 32, 32, 1}, Shape{33, 45, 70, 1}, Shape{70, 96, 1100, 1},
                  Shape{129, 100, 600, 2}, Shape{64, 64, 2048, 3}}) {
    const std::vector<float> a = smallInts(std::size_t(s.m) * s.k, 7), b = smallInts(std::size_t(s.k) * s.n, 11);
    Bf16Gemm gemm(s.m, s.n, s.k, a.data(), b.data(), s.threads);
    const std::size_t ldc = std::size_t(s.n) + 5;
    std::vector<float> c(std::size_t(s.m) * ldc, -7.0f);
    tbb::task_arena arena(s.threads);
    arena.execute([&] { gemm.run(c.data(), ldc); });
    arena.execute([&] { gemm.run(c.data(), ldc); });  // twice: the first kc block overwrites C
    for (int i = 0; i < s.m; ++i) {
      for (int j = 0; j < s.n; ++j) {
        double want = 0;
        for (int kk = 0; kk < s.k; ++kk) want += double(a[std::size_t(i) * s.k + kk]) * b[std::size_t(kk) * s.n + j];
        INFO("m,n,k " << s.m << "," << s.n << "," << s.k << " threads " << s.threads << " kc " << gemm.kc() << " at "
                      << i << "," << j);
        REQUIRE(c[std::size_t(i) * ldc + j] == float(want));
      }
      for (std::size_t j = std::size_t(s.n); j < ldc; ++j) REQUIRE(c[std::size_t(i) * ldc + j] == -7.0f);
    }
  }
}

}  // namespace

TEST_CASE("bf16 rounding is to nearest, ties to even", "[kernels][bf16]") {
  CHECK(roundToBf16(1.0f) == 1.0f);
  CHECK(roundToBf16(1.0f + std::ldexp(1.0f, -7)) == 1.0f + std::ldexp(1.0f, -7));  // representable
  CHECK(roundToBf16(1.0f + std::ldexp(1.0f, -8)) == 1.0f);                         // tie: to even
  CHECK(roundToBf16(1.0f + 3 * std::ldexp(1.0f, -8)) == 1.0f + std::ldexp(1.0f, -6));  // tie: to even, up
  CHECK(roundToBf16(1.0f + 1.1f * std::ldexp(1.0f, -8)) == 1.0f + std::ldexp(1.0f, -7));
  CHECK(roundToBf16(-0.3f) == -roundToBf16(0.3f));
  CHECK(std::isnan(roundToBf16(std::nanf(""))));
  CHECK(std::isinf(roundToBf16(INFINITY)));
}

TEST_CASE("the bf16 engines are exact on small integers", "[kernels][bf16][amx]") {
  const bool avx512 = host().avx512bf16 && activeSimd() == SimdLevel::Avx512;
  if (bf16AmxActive()) {
    SECTION("AMX tiles") {
      REQUIRE(bf16Engine() == Bf16Engine::Amx);
      checkExactShapes();
    }
  }
  if (avx512) {
    SECTION("AVX512-BF16") {
      SimdOverride noAmx("avx512");
      REQUIRE(bf16Engine() == Bf16Engine::Avx512Bf16);
      checkExactShapes();
    }
  }
  SECTION("below AVX-512: no engine") {
    SimdOverride below("avx2");
    REQUIRE(bf16Engine() == Bf16Engine::None);
    const std::vector<float> one(1, 1.0f);
    CHECK_THROWS_WITH(Bf16Gemm(1, 1, 1, one.data(), one.data(), 1), Catch::Contains("AVX512-BF16"));
  }
  if (!bf16AmxActive() && !avx512) WARN("this CPU has neither AMX-BF16 nor AVX512-BF16: no bf16 engine was run");
}

TEST_CASE("bf16 GEMM k blocks: from L1, or from L2 with AVX512-BF16 on half-rate zmm; equal", "[kernels][bf16]") {
  {
    SimdOverride below("avx2");  // the test's other half: no engine, no blocking
    const std::vector<float> one(1, 1.0f);
    CHECK_THROWS_WITH(Bf16Gemm(1, 1, 1, one.data(), one.data(), 1), Catch::Contains("AVX512-BF16"));
  }
  if (bf16Engine() == Bf16Engine::None) WARN("no bf16 engine on this CPU: its blocking was not checked");
  const std::size_t l1 = host().cache(1) && host().cache(1)->sizeBytes ? host().cache(1)->sizeBytes : 32 * 1024;
  const std::size_t l2 = host().cache(2) && host().cache(2)->sizeBytes ? host().cache(2)->sizeBytes : 1024 * 1024;
  const bool fromL2 = bf16Engine() == Bf16Engine::Avx512Bf16 && host().zmmHalfRate;
  const std::size_t share = std::max(l1 * 2 / 3, fromL2 ? l2 / 16 : 0);
  for (int k : {32, 100, 1000, 4000}) {
    if (bf16Engine() == Bf16Engine::None) break;
    const std::vector<float> a(std::size_t(k), 1.0f), b(std::size_t(k), 1.0f);
    Bf16Gemm g(1, 1, k, a.data(), b.data(), 1);
    const int kp = (k + 31) / 32 * 32, passes = (kp + g.kc() - 1) / g.kc();
    INFO("k " << k << " kc " << g.kc() << " passes " << passes);
    CHECK(g.kc() % 32 == 0);
    CHECK(g.kc() <= kp);
    CHECK(std::size_t(g.kc()) * 64 <= std::max<std::size_t>(share, 32 * 64));
    CHECK(g.kc() * passes - kp < passes * 32);  // no thin last block
    if (fromL2 && l2 / 16 > l1 && kp * 64 > int(l1)) CHECK(std::size_t(g.kc()) * 64 > l1);
  }
}

TEST_CASE("matmul.bf16 carries bf16's error, the same on every path", "[kernels][bf16]") {
  const Problem problem = makeProblem(Family::Matmul, 200);
  std::unique_ptr<Prepared> native = runBf16(problem, 2);
  const std::vector<float> ref = native->expected();
  const ErrorStats e = compareOutputs(native->output(), ref);
  INFO("path " << native->simdPath() << " max abs error " << e.maxAbs << " tolerance " << native->tolerance());
  CHECK(e.maxAbs <= native->tolerance());
  // Rounding happened: far above what an fp32 product of these inputs may
  // be off by, and a relative error of the order of bf16's 2^-8.
  CHECK(e.maxAbs > fp32MatmulTolerance(problem.n, problem.a.data(), problem.b.data()));
  CHECK(e.relative > 1e-4);
  CHECK(e.relative < 1e-2);
  if (bf16Engine() == Bf16Engine::None)
    CHECK(native->simdPath().rfind("fp32 emulation", 0) == 0);
  else
    CHECK(native->simdPath() == bf16EngineName(bf16Engine()));
  // Every other path gives the same products; only the order of the fp32
  // sums differs.
  auto sameAs = [&](const char* simd, const std::string& path) {
    SimdOverride level(simd);
    std::unique_ptr<Prepared> other = runBf16(problem, 1);
    INFO("CACHESCOPE_SIMD=" << simd);
    CHECK(other->simdPath() == path);
    const ErrorStats d = compareOutputs(native->output(), other->output());
    CHECK(d.maxAbs <= fp32MatmulTolerance(problem.n, problem.a.data(), problem.b.data()));
  };
  if (bf16Engine() == Bf16Engine::Amx && host().avx512bf16) sameAs("avx512", "avx512-bf16");
  if (bf16Engine() != Bf16Engine::None) sameAs("avx2", "fp32 emulation (avx2)");
}

TEST_CASE("matmul.bf16 refuses other widths and thread counts below 1", "[kernels][bf16]") {
  const Problem problem = makeProblem(Family::Matmul, 8);
  const Kernel* k = findKernel("matmul.bf16");
  REQUIRE(k);
  Params p;
  p.n = 8;
  p.bits = 8;
  CHECK_THROWS_WITH(k->prepare(problem, p), Catch::Contains("bits 16"));
  p.bits = 16;
  p.threads = 0;
  CHECK_THROWS_WITH(k->prepare(problem, p), Catch::Contains("threads"));
}
