// One test walks the whole registry: every kernel, on awkward shapes and
// parameters, against the reference, with the kernel's own tolerance. A new
// kernel is tested the moment it is registered. The walk is repeated with the
// SIMD level forced down (CACHESCOPE_SIMD) so AVX2 and scalar paths are
// covered on AVX-512 machines.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>
#include <sstream>

#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include <tbb/task_arena.h>

using namespace cachescope;

namespace {

std::vector<Params> variants(const Kernel& k, int n) {
  std::vector<int> blocks = k.uses(Param::Block) ? std::vector<int>{1, 5, 16, n + 3} : std::vector<int>{64};
  std::vector<int> threads = k.uses(Param::Threads) ? std::vector<int>{1, 2, 3, 4} : std::vector<int>{1};
  std::vector<int> bits = k.uses(Param::Bits) ? k.info.bits : std::vector<int>{32};
  std::vector<double> densities = k.uses(Param::Density) ? std::vector<double>{1.0, 0.5, 0.1} : std::vector<double>{1.0};
  std::vector<Params> out;
  for (int b : blocks)
    for (int t : threads)
      for (int q : bits)
        for (double d : densities) out.push_back(Params{n, b, t, q, d});
  return out;
}

void walkRegistry() {
  for (const Kernel& k : kernels()) {
    for (int n : {1, 7, 33, 100, 129}) {
      Problem problem = makeProblem(k.info.family, n);
      for (const Params& p : variants(k, n)) {
        std::ostringstream what;
        what << k.info.id << " n=" << n << " block=" << p.block << " threads=" << p.threads << " bits=" << p.bits
             << " density=" << p.density << " simd=" << toString(activeSimd());
        INFO(what.str());
        std::unique_ptr<Prepared> prepared;
        tbb::task_arena arena(p.threads);
        arena.execute([&] { prepared = k.prepare(problem, p); });
        REQUIRE(prepared);
        // Twice: a kernel must not depend on a zeroed output buffer.
        arena.execute([&] { prepared->run(); });
        arena.execute([&] { prepared->run(); });
        std::vector<float> out = prepared->output();
        std::vector<float> ref = prepared->expected();
        REQUIRE(out.size() == ref.size());
        ErrorStats e = compareOutputs(out, ref);
        INFO("max abs error " << e.maxAbs << " tolerance " << prepared->tolerance());
        CHECK(e.maxAbs <= prepared->tolerance());
      }
    }
  }
}

struct SimdOverride {
  explicit SimdOverride(const char* level) { ::setenv("CACHESCOPE_SIMD", level, 1); }
  ~SimdOverride() { ::unsetenv("CACHESCOPE_SIMD"); }
};

}  // namespace

TEST_CASE("every registered kernel matches the reference", "[kernels][registry]") { walkRegistry(); }

TEST_CASE("every kernel matches the reference on the AVX-512 path without AMX", "[kernels][registry][avx512]") {
  SimdOverride force("avx512");
  REQUIRE_FALSE(amxActive());
  if (host().simd == SimdLevel::Avx512) {
    REQUIRE(activeSimd() == SimdLevel::Avx512);
  } else {
    REQUIRE(activeSimd() == host().simd);
    WARN("skipped: this CPU has no AVX-512, so the AVX-512 kernels were not run (the host's path was checked instead)");
  }
  walkRegistry();
}

TEST_CASE("every kernel matches the reference on the AVX2 path", "[kernels][registry][avx2]") {
  SimdOverride force("avx2");
  if (host().simd >= SimdLevel::Avx2) {
    REQUIRE(activeSimd() == SimdLevel::Avx2);
  } else {
    // Asking for more than the CPU has is never honoured: the kernels stay on
    // the host's own path, and that is what gets checked here.
    REQUIRE(activeSimd() == host().simd);
    WARN("skipped: this CPU has no AVX2, so the AVX2 kernels were not run (the host's path was checked instead)");
  }
  walkRegistry();
}

TEST_CASE("every kernel matches the reference on the scalar path", "[kernels][registry][scalar]") {
  SimdOverride force("scalar");
  REQUIRE(activeSimd() == SimdLevel::Scalar);
  walkRegistry();
}

TEST_CASE("registry ids are unique, documented and findable", "[kernels][registry]") {
  std::set<std::string> ids;
  for (const Kernel& k : kernels()) {
    INFO(k.info.id);
    CHECK(ids.insert(k.info.id).second);
    CHECK(!k.info.title.empty());
    CHECK(!k.info.teaches.empty());
    CHECK(!k.info.traceNote.empty());
    CHECK(k.prepare);
    CHECK(k.work);
    CHECK(k.extraBytes);
    CHECK(findKernel(k.info.id) == &k);
    if (k.uses(Param::Bits)) CHECK(!k.info.bits.empty());
  }
  CHECK(findKernel("matmul.nope") == nullptr);
  CHECK(nearestKernelId("matmul.blokced") == "matmul.blocked");
  CHECK(nearestKernelId("naive") == "matmul.naive");
}

TEST_CASE("problems are deterministic, values from -1 up to 1", "[kernels]") {
  Problem a = makeProblem(Family::Matmul, 17, 3), b = makeProblem(Family::Matmul, 17, 3);
  Problem c = makeProblem(Family::Matmul, 17, 4);
  CHECK(std::equal(a.a.begin(), a.a.end(), b.a.begin()));
  CHECK(!std::equal(a.a.begin(), a.a.end(), c.a.begin()));
  for (float v : a.b) CHECK((v >= -1.0f && v < 1.0f));
  CHECK(makeProblem(Family::Relu, 5).b.empty());
}

TEST_CASE("the comparison catches a wrong result", "[kernels]") {
  std::vector<float> ref{1, 2, 3}, out{1, 2, 3.5f};
  ErrorStats e = compareOutputs(out, ref);
  CHECK(e.maxAbs == Approx(0.5));
  CHECK(e.relative > 0.1);
  CHECK(compareOutputs({1, 2}, ref).maxAbs == INFINITY);
}
