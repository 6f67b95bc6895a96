// [SECTION] FMA peak
// [SECTION] triad bandwidth
// [SECTION] intensity model
#include "bench/roofline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include "bench/roofline_fma.hpp"
#include "bench/runner.hpp"

namespace cachescope {

namespace detail {

// Baseline x86-64 (SSE2) build: the compiler may vectorize the 32 chains but
// has no FMA, so a multiply and an add do the work of one FMA.
double fmaLoopScalar(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 32;
  const float m = opaque(0.9999999f), c = opaque(1e-7f);
  float acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = 1.0f + 0.01f * float(i);
  for (std::int64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < kAcc; ++i) acc[i] = acc[i] * m + c;
  float total = 0;
  for (float v : acc) total += v;
  *sink = total;
  return double(iterations) * kAcc * 2;
}

}  // namespace detail

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

using FmaLoop = double (*)(std::int64_t, float*);

FmaLoop fmaLoopFor(SimdLevel simd) {
  switch (simd) {
    case SimdLevel::Avx512: return detail::fmaLoopAvx512;
    case SimdLevel::Avx2: return detail::fmaLoopAvx2;
    case SimdLevel::Scalar: break;
  }
  return detail::fmaLoopScalar;
}

// Runs body(index) once on each of `threads` arena threads, starting them
// together: each waits (briefly) until all have arrived, so the timed parts
// overlap instead of running one after the other on a busy machine.
// Race-free by construction (TSan cannot see into Debian's libtbb): body(t)
// must write only the t-th element of its outputs (sinks[t], bestRate[t]);
// `arrived` is atomic, and arena.execute returns after every body has
// finished, so the caller then reads complete results.
template <class Body>
void onEveryThread(tbb::task_arena& arena, int threads, Body body) {
  std::atomic<int> arrived{0};
  arena.execute([&] {
    tbb::parallel_for(
        0, threads,
        [&](int t) {
          arrived.fetch_add(1);
          auto t0 = Clock::now();
          while (arrived.load() < threads && secondsSince(t0) < 0.05) std::this_thread::yield();
          body(t);
        },
        tbb::simple_partitioner());
  });
}

// An array of doubles, allocated without touching it so the first write
// (done in parallel) places pages near the thread that uses them.
struct RawDoubles {
  struct Free {
    void operator()(double* p) const { std::free(p); }
  };
  std::unique_ptr<double, Free> p;
  explicit RawDoubles(std::size_t n) {
    std::size_t bytes = (n * sizeof(double) + kCacheLine - 1) / kCacheLine * kCacheLine;
    p.reset(static_cast<double*>(std::aligned_alloc(kCacheLine, bytes)));
    if (!p) throw std::bad_alloc();
  }
  double* get() const { return p.get(); }
};

}  // namespace

// [SECTION] FMA peak

namespace {

// The sum over threads of each one's fastest ~0.5 ms chunk of `loop`.
Measured measurePeak(FmaLoop loop, int threads, double seconds, const std::atomic<bool>* cancel) {
  threads = std::max(1, threads);
  float sink = 0;
  // Chunk size: about 0.5 ms of work, so cancel and the clock are checked often
  // but cost nothing.
  std::int64_t chunk = 1 << 12;
  {
    auto t0 = Clock::now();
    loop(chunk, &sink);
    double dt = std::max(secondsSince(t0), 1e-7);
    chunk = std::clamp<std::int64_t>(std::int64_t(double(chunk) * 5e-4 / dt), 256, 1 << 24);
  }
  // A peak is what the hardware can do, not what a busy machine gave us on
  // average: each thread keeps the rate of its fastest chunk (~0.5 ms, short
  // enough to run between two preemptions), and the peak is their sum. Only
  // as many threads as there are cores count, so threads time-sharing one
  // core cannot add up to more than it has.
  threads = std::min(threads, std::max(1, host().logicalCores));
  tbb::task_arena arena(threads);
  std::vector<double> bestRate(threads, 0.0);
  std::vector<float> sinks(threads, 0.0f);
  onEveryThread(arena, threads, [&](int t) {
    const auto start = Clock::now();
    do {
      const auto c0 = Clock::now();
      const double done = loop(chunk, &sinks[t]);
      const double dt = secondsSince(c0);
      if (dt > 0) bestRate[t] = std::max(bestRate[t], done / dt);
    } while (secondsSince(start) < seconds && !cancelled(cancel));
  });
  if (cancelled(cancel)) return {Outcome::Cancelled, 0, {}};
  for (float s : sinks) sink += s;
  double best = 0;
  for (double r : bestRate) best += r / 1e9;
  doNotOptimize(&sink);
  return {Outcome::Ok, best, {}};
}

}  // namespace

Measured measurePeakGflops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel) {
  return measurePeak(fmaLoopFor(simd), threads, seconds, cancel);
}

std::string int8LoopName(SimdLevel simd) {
  // The int8 GEMM's own path (selectIntGemmIsa): AMX tiles first.
  if (simd == SimdLevel::Avx512 && amxActive()) return "amx";
  if (simd == SimdLevel::Avx512 && host().avx512vnni) return "avx512-vnni";
  if (simd >= SimdLevel::Avx2) return "avx2";
  return "";
}

Measured measurePeakInt8Gops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel) {
  const std::string name = int8LoopName(simd);
  if (name.empty()) return {Outcome::Failed, 0, "no int8 multiply-add loop for this SIMD level"};
  const FmaLoop loop = name == "amx"    ? detail::int8LoopAmx
                       : name == "avx2" ? detail::int8LoopAvx2
                                        : detail::int8LoopAvx512Vnni;
  return measurePeak(loop, threads, seconds, cancel);
}

std::string bf16LoopName(SimdLevel simd) {
  // matmul.bf16's engine (bf16Engine): AMX tiles first.
  if (simd == SimdLevel::Avx512 && host().amxBf16 && amxActive()) return "amx-bf16";
  if (simd == SimdLevel::Avx512 && host().avx512bf16) return "avx512-bf16";
  return "";
}

Measured measurePeakBf16Gflops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel) {
  const std::string name = bf16LoopName(simd);
  if (name.empty()) return {Outcome::Failed, 0, "no bf16 dot-product loop on this CPU"};
  return measurePeak(name == "amx-bf16" ? detail::bf16LoopAmx : detail::bf16LoopAvx512Bf16, threads, seconds, cancel);
}

// [SECTION] triad bandwidth

std::size_t defaultTriadBytes() {
  const HostInfo& h = host();
  std::size_t llc = 0;
  for (const CacheInfo& c : h.caches) llc = std::max(llc, c.sizeBytes);
  std::size_t bytes = std::max<std::size_t>(4 * llc, std::size_t(64) << 20);
  std::uint64_t avail = availableMemoryBytes();
  if (avail > 0) bytes = std::min<std::size_t>(bytes, std::size_t(avail / 4));
  return std::max<std::size_t>(bytes, std::size_t(1) << 20);
}

Measured measureTriadGBs(int threads, std::size_t bytes, double seconds, const std::atomic<bool>* cancel) {
  threads = std::max(1, threads);
  const std::size_t n = std::max<std::size_t>(bytes / (3 * sizeof(double)), 1024);
  RawDoubles a(n), b(n), c(n);
  double* pa = a.get();
  double* pb = b.get();
  double* pc = c.get();
  tbb::task_arena arena(threads);
  // The same static split for the first touch and for the passes, so each
  // thread streams the pages it placed. Each block writes only its own
  // [i0, i1) of a, b and c (race-free by construction; see onEveryThread).
  auto forEachBlock = [&](auto body) {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096),
                        [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); },
                        tbb::static_partitioner());
    });
  };
  forEachBlock([&](std::size_t i0, std::size_t i1) {
    for (std::size_t i = i0; i < i1; ++i) {
      pa[i] = 0.0;
      pb[i] = 1.0;
      pc[i] = 2.0;
    }
  });
  const double s = 3.0;
  double best = 1e300;
  auto begin = Clock::now();
  for (int pass = 0; pass < 100; ++pass) {
    if (cancelled(cancel)) return {Outcome::Cancelled, 0, {}};
    auto t0 = Clock::now();
    forEachBlock([&](std::size_t i0, std::size_t i1) {
      for (std::size_t i = i0; i < i1; ++i) pa[i] = pb[i] + s * pc[i];
    });
    best = std::min(best, secondsSince(t0));
    doNotOptimize(pa);
    if (pass >= 2 && secondsSince(begin) >= seconds) break;  // at least three passes
  }
  if (!(pa[n / 2] == 7.0)) return {Outcome::Failed, 0, "the triad did not compute a = b + 3c as written"};
  return {Outcome::Ok, 3.0 * sizeof(double) * double(n) / best / 1e9, {}};
}

RooflineResult measureRoofline(const RooflineOptions& options, const std::atomic<bool>* cancel) {
  RooflineResult r;
  RooflineMachine& m = r.machine;
  m.threads = std::max(1, options.threads);
  SimdLevel simd = activeSimd();
  m.simd = toString(simd);
  const Measured peak = measurePeakGflops(m.threads, options.seconds, simd, cancel);
  if (peak.outcome != Outcome::Ok) return {peak.outcome, peak.failure, m};
  // The int8 roof, where this machine has an int8 loop (else the int8
  // kernels are shown against the fp32 roof, and the plot says so).
  const Measured int8 = measurePeakInt8Gops(m.threads, options.seconds * 0.5, simd, cancel);
  if (int8.outcome == Outcome::Cancelled) return {int8.outcome, {}, m};
  if (int8.outcome == Outcome::Ok) {
    m.int8PeakGops = int8.value;
    m.int8Simd = int8LoopName(simd);
  }
  // The bf16 roof, where matmul.bf16 has an engine here (else it runs fp32
  // FMAs and is shown against the fp32 roof).
  if (!bf16LoopName(simd).empty()) {
    const Measured bf16 = measurePeakBf16Gflops(m.threads, options.seconds * 0.5, simd, cancel);
    if (bf16.outcome == Outcome::Cancelled) return {bf16.outcome, {}, m};
    if (bf16.outcome == Outcome::Ok) {
      m.bf16PeakGflops = bf16.value;
      m.bf16Simd = bf16LoopName(simd);
    }
  }
  std::size_t bytes = options.triadBytes ? options.triadBytes : defaultTriadBytes();
  const Measured bw = measureTriadGBs(m.threads, bytes, options.seconds, cancel);
  if (bw.outcome != Outcome::Ok) return {bw.outcome, bw.failure, m};
  m.peakGflops = peak.value;
  m.bandwidthGBs = bw.value;
  m.triadBytes = double(bytes / (3 * sizeof(double)) * 3 * sizeof(double));
  return r;
}

// [SECTION] intensity model

Roof roofFor(const Kernel& k, const Params& p) {
  if (k.info.family == Family::Relu) return Roof::Memory;
  if (k.uses(Param::Bits) && p.bits == 16) return Roof::Bf16;
  if (k.uses(Param::Bits) && p.bits != 32) return Roof::Int8;
  return Roof::Fp32;
}

const char* roofName(Roof roof) {
  switch (roof) {
    case Roof::Fp32: return "fp32";
    case Roof::Int8: return "int8";
    case Roof::Bf16: return "bf16";
    case Roof::Memory: return "DRAM";
  }
  return "?";
}

std::string aboveRoofReason(const RooflineMachine& m, Roof roof, const IntensityModel& model, double achieved) {
  const double ceiling = m.roofAt(roof, model.intensity());
  if (ceiling <= 0 || !(achieved > ceiling * 1.02)) return "";
  if (roof == Roof::Int8 && m.int8PeakGops <= 0) return "no int8 peak measured";
  if (roof == Roof::Bf16 && m.bf16PeakGflops <= 0) return "no bf16 peak measured";
  // On the slope: the data may come from a cache, not DRAM.
  const double flat = m.peakOf(roof);
  const bool onSlope = flat <= 0 || model.intensity() * m.bandwidthGBs < flat;
  if (onSlope) {
    for (const CacheInfo& c : host().caches)
      if (model.bytes <= double(c.sizeBytes))
        return formatBytes(std::uint64_t(model.bytes)) + " fits in L" + std::to_string(c.level);
    return "cache reuse";
  }
  return "above the measured peak (noise?)";
}

IntensityModel intensityModel(const Kernel& k, const Params& p) {
  IntensityModel m;
  const double n = p.n, n2 = n * n;
  const bool quantized = k.uses(Param::Bits) && p.bits != 32;
  const double elem = quantized ? p.bits / 8.0 : 4.0;
  m.bits = quantized ? p.bits : 32;
  if (k.info.family == Family::Relu) {
    m.flops = n2;
    m.bytes = 2 * n2 * elem;
    m.formula = "n^2 x " + std::string(quantized ? std::to_string(p.bits) + "-bit" : "fp32") + " in + out";
    return m;
  }
  m.flops = k.work ? k.work(p) : 2 * n * n2;
  if (k.uses(Param::Density)) {
    double nnz = std::ceil(p.density * n2);
    m.bytes = nnz * (4 + 4) + (n + 1) * 4 + 2 * n2 * 4;
    m.formula = "CSR A (nnz x 8 B + row pointers) + fp32 B and C";
  } else if (quantized) {
    m.bytes = 2 * n2 * elem + n2 * 4;
    m.formula = std::to_string(p.bits) + "-bit A and B + 4-byte C";
  } else {
    m.bytes = 3 * n2 * 4;
    m.formula = "3 n^2 x 4 B (A, B read once, C written once)";
  }
  return m;
}

}  // namespace cachescope
