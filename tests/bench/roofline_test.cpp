// The roofline's intensity model with literal numbers, and a tiny measurement
// that must come back positive and finite.
#include <catch2/catch.hpp>

#include <cmath>

#include "bench/roofline.hpp"
#include "kernels/registry.hpp"

using namespace cachescope;

namespace {

Kernel fakeKernel(Family family, std::vector<Param> uses, WorkUnit unit) {
  Kernel k;
  k.info.id = "fake";
  k.info.family = family;
  k.info.uses = std::move(uses);
  k.info.unit = unit;
  k.work = [](const Params& p) { return 2.0 * p.n * p.n * p.n; };
  return k;
}

}  // namespace

TEST_CASE("fp32 matmul intensity is 2n^3 / 12n^2 = n/6", "[roofline]") {
  const Kernel* naive = findKernel("matmul.naive");
  REQUIRE(naive);
  Params p;
  p.n = 512;
  IntensityModel m = intensityModel(*naive, p);
  CHECK(m.flops == 2.0 * 512 * 512 * 512);
  CHECK(m.bytes == 3.0 * 512 * 512 * 4);
  CHECK(m.intensity() == Approx(512.0 / 6));
  p.n = 60;
  CHECK(intensityModel(*naive, p).intensity() == Approx(10.0));
}

TEST_CASE("quantized, sparse and relu intensity models", "[roofline]") {
  Params p;
  p.n = 100;
  Kernel q = fakeKernel(Family::Matmul, {Param::Bits}, WorkUnit::IntOp);
  p.bits = 8;
  IntensityModel m8 = intensityModel(q, p);
  CHECK(m8.bytes == 2.0 * 100 * 100 * 1 + 100.0 * 100 * 4);  // int8 A, B; 4-byte C
  CHECK(m8.intensity() == Approx(2e6 / 60000.0));
  p.bits = 4;
  CHECK(intensityModel(q, p).bytes == 2.0 * 100 * 100 * 0.5 + 100.0 * 100 * 4);
  p.bits = 32;  // a quantized kernel run at fp32 counts 4-byte inputs
  CHECK(intensityModel(q, p).bytes == 3.0 * 100 * 100 * 4);

  Kernel s = fakeKernel(Family::Matmul, {Param::Density}, WorkUnit::Flop);
  p.density = 0.25;
  IntensityModel ms = intensityModel(s, p);
  CHECK(ms.bytes == 2500.0 * 8 + 101 * 4 + 2.0 * 100 * 100 * 4);

  Kernel r = fakeKernel(Family::Relu, {}, WorkUnit::Byte);
  IntensityModel mr = intensityModel(r, p);
  CHECK(mr.flops == 100.0 * 100);
  CHECK(mr.bytes == 2.0 * 100 * 100 * 4);
  CHECK(mr.intensity() == Approx(0.125));
  Kernel r8 = fakeKernel(Family::Relu, {Param::Bits}, WorkUnit::Byte);
  p.bits = 8;
  CHECK(intensityModel(r8, p).intensity() == Approx(0.5));
}

TEST_CASE("a tiny roofline measurement gives positive finite numbers", "[roofline]") {
  auto peak = measurePeakGflops(1, 0.03, activeSimd());
  REQUIRE(peak.outcome == Outcome::Ok);
  CHECK(std::isfinite(peak.value));
  CHECK(peak.value > 0.1);
  auto scalar = measurePeakGflops(1, 0.01, SimdLevel::Scalar);
  REQUIRE(scalar.outcome == Outcome::Ok);
  CHECK(scalar.value > 0);
  auto bw = measureTriadGBs(2, std::size_t(4) << 20, 0.01);
  REQUIRE(bw.outcome == Outcome::Ok);
  CHECK(std::isfinite(bw.value));
  CHECK(bw.value > 0.1);

  RooflineOptions o;
  o.threads = 1;
  o.seconds = 0.02;
  o.triadBytes = std::size_t(4) << 20;
  auto r = measureRoofline(o);
  REQUIRE(r.outcome == Outcome::Ok);
  CHECK(r.failure.empty());
  const RooflineMachine* m = &r.machine;
  CHECK(m->peakGflops > 0);
  CHECK(m->bandwidthGBs > 0);
  CHECK(m->ridge() == Approx(m->peakGflops / m->bandwidthGBs));
  CHECK(m->simd == toString(activeSimd()));
  CHECK(m->triadBytes <= double(o.triadBytes));
}

TEST_CASE("roofline measurement stops when cancelled", "[roofline]") {
  std::atomic<bool> cancel{true};
  CHECK(measurePeakGflops(1, 10.0, activeSimd(), &cancel).outcome == Outcome::Cancelled);
  CHECK(measureTriadGBs(1, std::size_t(1) << 20, 10.0, &cancel).outcome == Outcome::Cancelled);
  const RooflineResult r = measureRoofline(RooflineOptions{1, 10.0, std::size_t(1) << 20}, &cancel);
  CHECK(r.outcome == Outcome::Cancelled);
  CHECK(r.failure.empty());
}

TEST_CASE("default triad size is well beyond the last-level cache", "[roofline]") {
  std::size_t llc = 0;
  for (const CacheInfo& c : host().caches) llc = std::max(llc, c.sizeBytes);
  std::size_t bytes = defaultTriadBytes();
  std::uint64_t avail = availableMemoryBytes();
  if (avail == 0 || avail / 4 >= 4 * llc) CHECK(bytes >= 4 * llc);
  if (avail > 0) CHECK(bytes <= avail / 4 + (1 << 20));
}

TEST_CASE("the int8 peak is measured with the int8 GEMM's instructions where the SIMD level has them", "[roofline]") {
  const SimdLevel simd = activeSimd();
  const std::string loop = int8LoopName(simd);
  CHECK(int8LoopName(SimdLevel::Scalar).empty());
  CHECK(measurePeakInt8Gops(1, 0.01, SimdLevel::Scalar).outcome == Outcome::Failed);
  if (simd >= SimdLevel::Avx2) {
    const bool avx512 = simd == SimdLevel::Avx512;
    CHECK(loop == (avx512 && amxActive() ? "amx" : avx512 && host().avx512vnni ? "avx512-vnni" : "avx2"));
    const Measured int8 = measurePeakInt8Gops(1, 0.03, simd);
    REQUIRE(int8.outcome == Outcome::Ok);
    CHECK(std::isfinite(int8.value));
    CHECK(int8.value > 0.1);
    RooflineOptions o;
    o.seconds = 0.02;
    o.triadBytes = std::size_t(4) << 20;
    const RooflineResult r = measureRoofline(o);
    REQUIRE(r.outcome == Outcome::Ok);
    CHECK(r.machine.int8PeakGops > 0);
    CHECK(r.machine.int8Simd == loop);
  }
}

TEST_CASE("one roof per data type, and the reason a point sits above its roof", "[roofline]") {
  RooflineMachine m;
  m.peakGflops = 100;
  m.bandwidthGBs = 10;  // fp32 ridge at 10
  CHECK(m.roofAt(Roof::Fp32, 1) == Approx(10));
  CHECK(m.roofAt(Roof::Fp32, 100) == Approx(100));
  CHECK(m.roofAt(Roof::Memory, 100) == Approx(1000));  // ReLU: the DRAM slope only
  CHECK(m.roofAt(Roof::Int8, 100) == Approx(100));     // no int8 peak measured: the fp32 roof
  m.int8PeakGops = 400;
  CHECK(m.roofAt(Roof::Int8, 100) == Approx(400));
  CHECK(m.roofAt(Roof::Int8, 10) == Approx(100));

  const Kernel* relu = findKernel("relu.naive");
  const Kernel* int8 = findKernel("matmul.int8");
  const Kernel* naive = findKernel("matmul.naive");
  REQUIRE(relu);
  REQUIRE(naive);
  CHECK(roofFor(*relu, Params{64}) == Roof::Memory);
  CHECK(roofFor(*naive, Params{64}) == Roof::Fp32);
  if (int8) {
    Params p{64};
    p.bits = 8;
    CHECK(roofFor(*int8, p) == Roof::Int8);
  }

  // ReLU at n = 64: 32 KiB of compulsory bytes at 1/8 op/byte, roof 1.25;
  // achieving 5 means its data came from a cache.
  const IntensityModel r = intensityModel(*relu, Params{64});
  REQUIRE(r.intensity() == Approx(0.125));
  CHECK(aboveRoofReason(m, Roof::Memory, r, 1.0).empty());
  const std::string why = aboveRoofReason(m, Roof::Memory, r, 5.0);
  CHECK(why.find("fits in L") != std::string::npos);
  // fp32 above the flat roof: no cache can explain it.
  const IntensityModel big = intensityModel(*naive, Params{600});
  CHECK(aboveRoofReason(m, Roof::Fp32, big, 150).find("noise") != std::string::npos);
  m.int8PeakGops = 0;
  CHECK(aboveRoofReason(m, Roof::Int8, big, 150) == "no int8 peak measured");
  // bf16 has a roof of its own; without a measured one, the fp32 roof, and
  // a point above it says why.
  const Kernel* bf16 = findKernel("matmul.bf16");
  REQUIRE(bf16);
  Params p16{600};
  p16.bits = 16;
  CHECK(roofFor(*bf16, p16) == Roof::Bf16);
  CHECK(std::string(roofName(Roof::Bf16)) == "bf16");
  const IntensityModel half = intensityModel(*bf16, p16);
  CHECK(half.bits == 16);
  CHECK(half.bytes == Approx(2.0 * 600 * 600 * 2 + 600.0 * 600 * 4));
  CHECK(m.roofAt(Roof::Bf16, 1000) == Approx(100));  // not measured: the fp32 peak
  CHECK(aboveRoofReason(m, Roof::Bf16, half, 150) == "no bf16 peak measured");
  m.bf16PeakGflops = 200;
  CHECK(m.peakOf(Roof::Bf16) == 200);
  CHECK(m.roofAt(Roof::Bf16, 1000) == Approx(200));
  CHECK(m.roofAt(Roof::Bf16, 5) == Approx(50));  // the same DRAM slope
  CHECK(aboveRoofReason(m, Roof::Bf16, half, 150).empty());
}

TEST_CASE("the bf16 peak is measured with matmul.bf16's instructions where the CPU has them", "[roofline][bf16]") {
  const SimdLevel simd = activeSimd();
  const std::string loop = bf16LoopName(simd);
  CHECK(bf16LoopName(SimdLevel::Avx2).empty());
  CHECK(measurePeakBf16Gflops(1, 0.01, SimdLevel::Avx2).outcome == Outcome::Failed);
  const bool avx512 = simd == SimdLevel::Avx512;
  CHECK(loop == (avx512 && host().amxBf16 && amxActive() ? "amx-bf16"
                 : avx512 && host().avx512bf16           ? "avx512-bf16"
                                                         : ""));
  RooflineOptions o;
  o.seconds = 0.02;
  o.triadBytes = std::size_t(4) << 20;
  const RooflineResult r = measureRoofline(o);
  REQUIRE(r.outcome == Outcome::Ok);
  CHECK(r.machine.bf16Simd == loop);
  if (loop.empty()) {
    CHECK(r.machine.bf16PeakGflops == 0);
    WARN("this CPU has no bf16 dot-product instructions: no bf16 peak measured");
  } else {
    const Measured bf16 = measurePeakBf16Gflops(1, 0.03, simd);
    REQUIRE(bf16.outcome == Outcome::Ok);
    CHECK(std::isfinite(bf16.value));
    // Two products per fp32 lane: above the fp32 FMA peak of the same loop
    // shape (a bf16 dot product does twice an FMA's work per instruction).
    const Measured fp32 = measurePeakGflops(1, 0.03, simd);
    REQUIRE(fp32.outcome == Outcome::Ok);
    CHECK(bf16.value > 1.3 * fp32.value);
    CHECK(r.machine.bf16PeakGflops > 0);
  }
}
