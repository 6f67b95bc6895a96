// The packed GEMM driver behind matmul.packed and matmul.parallel: block
// sizes derived from cache sizes, packing layouts, every micro-kernel on
// shapes that hit every edge and several passes of each blocking loop, and
// the parallel kernel's independence from its thread count.
#include <catch2/catch.hpp>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/gemm_packed.hpp"
#include "kernels/kernel.hpp"
#include "kernels/matmul_parallel.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"

using namespace cachescope;

namespace {

std::vector<SimdLevel> availableLevels() {
  std::vector<SimdLevel> out{SimdLevel::Scalar};
  if (host().simd >= SimdLevel::Avx2) out.push_back(SimdLevel::Avx2);
  if (host().simd >= SimdLevel::Avx512) out.push_back(SimdLevel::Avx512);
  return out;
}

std::vector<float> ramp(std::size_t count, float scale, float phase) {
  std::vector<float> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = std::sin(scale * float(i) + phase);
  return v;
}

// C = A * B in double for an m x k times k x n product, row-major.
std::vector<double> reference(int m, int n, int k, const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<double> c(std::size_t(m) * n, 0.0);
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p)
      for (int j = 0; j < n; ++j) c[std::size_t(i) * n + j] += double(a[std::size_t(i) * k + p]) * b[std::size_t(p) * n + j];
  return c;
}

void checkBlockingFits(const GemmBlocking& b, const GemmCaches& caches) {
  INFO("mr " << b.mr << " nr " << b.nr << " kc " << b.kc << " mc " << b.mc << " nc " << b.nc);
  const std::size_t f = sizeof(float);
  CHECK(b.kc % 8 == 0);
  CHECK(b.mc % b.mr == 0);
  CHECK(b.nc % b.nr == 0);
  // Two A micro-panels in half of L1, a B micro-panel in a quarter of L2.
  CHECK(2 * std::size_t(b.mr) * b.kc * f <= caches.l1 / 2);
  CHECK(std::size_t(b.kc) * b.nr * f <= caches.l2 / 4);
  CHECK(std::size_t(b.mc) * b.kc * f <= caches.l2 / 2);
  CHECK(std::size_t(b.kc) * b.nc * f <= caches.l3 / 2);
  // ... and each is as large as that allows (one more step would not fit).
  const int kc = b.kc + 8;
  CHECK((2 * std::size_t(b.mr) * kc * f > caches.l1 / 2 || std::size_t(kc) * b.nr * f > caches.l2 / 4));
  CHECK(std::size_t(b.mc + b.mr) * b.kc * f > caches.l2 / 2);
  CHECK(std::size_t(b.kc) * (b.nc + b.nr) * f > caches.l3 / 2);
}

}  // namespace

TEST_CASE("block sizes follow the cache sizes", "[kernels][gemm]") {
  GemmCaches zen4{32 * 1024, 1024 * 1024, 16 * 1024 * 1024};
  GemmBlocking b = deriveGemmBlocking(6, 64, zen4);
  CHECK(b.mr == 6);
  CHECK(b.nr == 64);
  CHECK(b.kc == 336);  // 2 x 6 x 336 floats = 15.75 KiB: half of a 32 KiB L1
  CHECK(b.mc == 390);  // 390 x 336 floats = 512 KiB: half of L2
  checkBlockingFits(b, zen4);

  GemmCaches spr{48 * 1024, 2 * 1024 * 1024, 52 * 1024 * 1024};
  GemmBlocking s = deriveGemmBlocking(6, 64, spr);
  CHECK(s.kc == 512);
  checkBlockingFits(s, spr);
  CHECK(s.mc > b.mc);

  checkBlockingFits(deriveGemmBlocking(6, 16, zen4), zen4);
  checkBlockingFits(deriveGemmBlocking(4, 8, spr), spr);
  // A small L2 bounds kc through the B micro-panel instead of L1.
  GemmCaches smallL2{64 * 1024, 128 * 1024, 4 * 1024 * 1024};
  GemmBlocking w = deriveGemmBlocking(6, 64, smallL2);
  CHECK(w.kc == 128);
  checkBlockingFits(w, smallL2);

  // Degenerate hierarchies still give usable, clamped blocks.
  GemmBlocking tiny = deriveGemmBlocking(6, 64, {256, 1024, 4096});
  CHECK(tiny.kc == 16);
  CHECK(tiny.mc == 6);
  CHECK(tiny.nc == 64);
  GemmBlocking huge = deriveGemmBlocking(4, 8, {std::size_t(1) << 30, std::size_t(1) << 32, std::size_t(1) << 34});
  CHECK(huge.kc == 1024);
}

TEST_CASE("the host's blocking comes from its own caches", "[kernels][gemm]") {
  GemmCaches caches = hostGemmCaches();
  const CacheInfo* l1 = host().cache(1);
  if (l1) CHECK(caches.l1 == l1->sizeBytes / std::size_t(std::max(1, l1->sharedByCpus)));
  GemmPlan plan = hostGemmPlan();
  CHECK(plan.kernel != nullptr);
  CHECK(plan.simd == activeSimd());
  GemmBlocking expect = deriveGemmBlocking(plan.blocking.mr, plan.blocking.nr, caches);
  CHECK(plan.blocking.kc == expect.kc);
  CHECK(plan.blocking.mc == expect.mc);
  CHECK(plan.blocking.nc == expect.nc);
}

TEST_CASE("blocks shrink to the problem and even out the passes", "[kernels][gemm]") {
  GemmBlocking b = deriveGemmBlocking(6, 64, {32 * 1024, 1024 * 1024, 16 * 1024 * 1024});
  REQUIRE(b.kc == 336);
  REQUIRE(b.mc == 390);
  GemmBlocking one = fitGemmBlocking(b, 1, 1, 1);
  CHECK(one.mc == 6);
  CHECK(one.nc == 64);
  CHECK(one.kc == 8);
  CHECK(packedBBlockFloats(one) == 8 * 64);
  CHECK(packedABlockFloats(one) == 8 * 6);

  GemmBlocking odd = fitGemmBlocking(b, 129, 129, 400);
  CHECK(odd.kc == 200);  // two passes of 200 rather than 336 and 64
  CHECK(odd.mc == 132);
  CHECK(odd.nc == 192);
  GemmBlocking big = fitGemmBlocking(b, 1024, 2048, 2048);
  CHECK(big.kc == 296);  // 7 passes: 2048 / 7 = 292.6, rounded up to a multiple of 8
  CHECK(big.mc == 342);  // 3 row blocks of 342, 342, 340 rather than 390, 390, 244
  CHECK(big.nc == 2048);
}

TEST_CASE("packing lays panels out k-major and zero-pads the edges", "[kernels][gemm]") {
  GemmBlocking b;
  b.mr = 4;
  b.nr = 8;
  b.kc = 8;
  b.mc = 8;
  b.nc = 16;
  // A: 5 x 3 (lda 3) -> two panels of 3 x 4, second with rows 1..3 zero.
  std::vector<float> a(15);
  for (int i = 0; i < 15; ++i) a[i] = float(i + 1);
  std::vector<float> pa(2 * 3 * 4, -1.0f);
  packA(b, 5, 3, a.data(), 3, pa.data());
  CHECK(pa[0] == 1.0f);   // A[0][0]
  CHECK(pa[1] == 4.0f);   // A[1][0]
  CHECK(pa[4] == 2.0f);   // A[0][1]
  CHECK(pa[11] == 12.0f); // A[3][2]
  CHECK(pa[12] == 13.0f); // second panel: A[4][0]
  CHECK(pa[13] == 0.0f);
  CHECK(pa[23] == 0.0f);

  // B: 2 x 10 (ldb 10) -> panels of 2 x 8, the second holds columns 8, 9.
  std::vector<float> bm(20);
  for (int i = 0; i < 20; ++i) bm[i] = float(i + 1);
  std::vector<float> pb(2 * 2 * 8, -1.0f);
  packBPanels(b, 2, 10, bm.data(), 10, 1, 2, pb.data());
  CHECK(pb[0] == -1.0f);  // panel 0 not asked for: untouched
  CHECK(pb[16] == 9.0f);  // B[0][8]
  CHECK(pb[17] == 10.0f);
  CHECK(pb[18] == 0.0f);
  CHECK(pb[24] == 19.0f);  // B[1][8]
  CHECK(pb[31] == 0.0f);
  packBPanels(b, 2, 10, bm.data(), 10, 0, 1, pb.data());
  CHECK(pb[0] == 1.0f);
  CHECK(pb[15] == 18.0f);  // B[1][7]
}

TEST_CASE("every micro-kernel computes every edge and pass correctly", "[kernels][gemm]") {
  // Tiny caches force several jc, pc and ic passes even on small matrices.
  const GemmCaches small{2 * 1024, 16 * 1024, 64 * 1024};
  struct Shape {
    int m, n, k;
  };
  for (SimdLevel level : availableLevels()) {
    for (GemmCaches caches : {small, hostGemmCaches()}) {
      for (Shape s : {Shape{1, 1, 1}, Shape{7, 5, 3}, Shape{33, 47, 19}, Shape{100, 129, 61}, Shape{15, 65, 200}}) {
        GemmPlan plan = makeGemmPlan(level, caches);
        plan.blocking = fitGemmBlocking(plan.blocking, s.m, s.n, s.k);
        INFO(plan.kernelName << " m " << s.m << " n " << s.n << " k " << s.k << " kc " << plan.blocking.kc
                             << " mc " << plan.blocking.mc << " nc " << plan.blocking.nc);
        std::vector<float> a = ramp(std::size_t(s.m) * s.k, 0.37f, 0.1f);
        std::vector<float> b = ramp(std::size_t(s.k) * s.n, 0.21f, 0.7f);
        AlignedBuffer<float> aBuf(packedABlockFloats(plan.blocking)), bBuf(packedBBlockFloats(plan.blocking)),
            edge(edgeTileFloats(plan.blocking));
        std::vector<float> c(std::size_t(s.m) * s.n, 1e30f);  // garbage: the first pass must overwrite it
        gemmPacked(plan, s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, c.data(), s.n, aBuf.data(), bBuf.data(),
                   edge.data());
        std::vector<double> ref = reference(s.m, s.n, s.k, a, b);
        double worst = 0.0;
        for (std::size_t i = 0; i < c.size(); ++i) worst = std::max(worst, std::fabs(c[i] - ref[i]));
        CHECK(worst <= 4.0 * s.k * std::ldexp(1.0, -24) + 1e-6);
      }
    }
  }
}

TEST_CASE("matmul.parallel gives the same C for 1 to 4 threads", "[kernels][gemm][parallel]") {
  const Kernel* par = findKernel("matmul.parallel");
  const Kernel* packed = findKernel("matmul.packed");
  REQUIRE(par);
  REQUIRE(packed);
  for (int n : {1, 29, 130}) {
    Problem problem = makeProblem(Family::Matmul, n, 11);
    std::unique_ptr<Prepared> serial = packed->prepare(problem, Params{n});
    serial->run();
    std::vector<float> expect = serial->output();
    for (int threads = 1; threads <= 4; ++threads) {
      INFO("n " << n << " threads " << threads);
      tbb::task_arena arena(threads);
      std::unique_ptr<Prepared> p;
      arena.execute([&] { p = par->prepare(problem, Params{n, 64, threads}); });
      arena.execute([&] { p->run(); });
      // Every C element sees the same micro-kernel calls in the same k order
      // whichever thread runs them: the split is over rows, never over k.
      CHECK(p->output() == expect);
      CHECK(compareOutputs(p->output(), p->expected()).maxAbs <= p->tolerance());
    }
  }
}

TEST_CASE("matmul.parallel honours its thread count outside a matching arena", "[kernels][gemm][parallel]") {
  const Kernel* par = findKernel("matmul.parallel");
  REQUIRE(par);
  Problem problem = makeProblem(Family::Matmul, 70, 5);
  std::unique_ptr<Prepared> p = par->prepare(problem, Params{70, 64, 3});
  p->run();  // not inside a 3-slot arena: the kernel uses its own
  CHECK(compareOutputs(p->output(), p->expected()).maxAbs <= p->tolerance());
  CHECK_THROWS_AS(par->prepare(problem, Params{70, 64, 0}), std::invalid_argument);
}

TEST_CASE("the tile recorder shows which thread did which block of C", "[kernels][gemm][parallel]") {
  const Kernel* par = findKernel("matmul.parallel");
  REQUIRE(par);
  const int n = 300, threads = 2;
  Problem problem = makeProblem(Family::Matmul, n, 9);
  tbb::task_arena arena(threads);
  std::unique_ptr<Prepared> p;
  arena.execute([&] { p = par->prepare(problem, Params{n, 64, threads}); });
  auto* rec = dynamic_cast<TileRecording*>(p.get());
  REQUIRE(rec);
  TileRecorder recorder(rec->tilesPerRun());
  rec->setTileRecorder(&recorder);
  arena.execute([&] { p->run(); });
  std::vector<TileRecord> records = recorder.records();
  CHECK(records.size() == rec->tilesPerRun());
  CHECK(recorder.dropped() == 0);

  // Per k pass, the row bands tile C exactly once.
  std::vector<int> covered(std::size_t(n) * n, 0);
  std::size_t kCovered = 0;
  for (const TileRecord& r : records) {
    CHECK(r.thread >= 0);
    CHECK(r.thread < threads);
    CHECK(r.t0 <= r.t1);
    CHECK(r.t0 >= 0.0);
    REQUIRE(r.row0 + r.rows <= n);
    REQUIRE(r.col0 + r.cols <= n);
    for (int i = r.row0; i < r.row0 + r.rows; ++i)
      for (int j = r.col0; j < r.col0 + r.cols; ++j) covered[std::size_t(i) * n + j] += r.depth;
    kCovered += std::size_t(r.rows) * r.cols * r.depth;
  }
  CHECK(kCovered == std::size_t(n) * n * n);
  CHECK(std::all_of(covered.begin(), covered.end(), [&](int d) { return d == n; }));

  // Off again: nothing more is recorded. A small recorder drops, never overflows.
  rec->setTileRecorder(nullptr);
  arena.execute([&] { p->run(); });
  CHECK(recorder.records().size() == rec->tilesPerRun());
  TileRecorder small(1);
  rec->setTileRecorder(&small);
  arena.execute([&] { p->run(); });
  CHECK(small.records().size() == 1);
  CHECK(small.dropped() == rec->tilesPerRun() - 1);
  small.restart();
  CHECK(small.records().empty());
  CHECK(small.dropped() == 0);
}

TEST_CASE("packing buffers are counted in extraBytes", "[kernels][gemm]") {
  for (const char* id : {"matmul.packed", "matmul.parallel"}) {
    const Kernel* k = findKernel(id);
    REQUIRE(k);
    Params q{1024};
    GemmPlan plan = hostGemmPlan();
    plan.blocking = fitGemmBlocking(plan.blocking, 1024, 1024, 1024);
    double buffers = double(packedABlockFloats(plan.blocking) + packedBBlockFloats(plan.blocking)) * sizeof(float);
    CHECK(k->extraBytes(q) >= matmulExtraBytes(q) + buffers);
  }
  const Kernel* par = findKernel("matmul.parallel");
  CHECK(par->extraBytes(Params{512, 64, 4}) > par->extraBytes(Params{512, 64, 1}));
}

TEST_CASE("matmul.packed's traced nest computes what gemmPacked computes with the portable micro-kernel", "[kernels]") {
  // The trace of matmul.packed claims to follow the portable path: the same
  // blocking, packing and tile order. With the plain policy it must then
  // give the same bits as the timed driver on the 4 x 8 plan, edges included.
  for (int n : {1, 5, 17, 64, 100}) {
    INFO("n = " << n);
    const Problem p = makeProblem(Family::Matmul, n);
    GemmPlan plan = makeGemmPlan(SimdLevel::Scalar, hostGemmCaches());
    plan.blocking = fitGemmBlocking(plan.blocking, n, n, n);
    AlignedBuffer<float> aBuf(packedABlockFloats(plan.blocking)), bBuf(packedBBlockFloats(plan.blocking)),
        edge(edgeTileFloats(plan.blocking)), timed(std::size_t(n) * n), traced(std::size_t(n) * n);
    gemmPacked(plan, n, n, n, p.a.data(), n, p.b.data(), n, timed.data(), n, aBuf.data(), bBuf.data(), edge.data());
    matmulPackedTracedNestDirect(n, p.a.data(), p.b.data(), traced.data());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < std::size_t(n) * n; ++i) differ += timed[i] != traced[i];
    CHECK(differ == 0);
  }
}
