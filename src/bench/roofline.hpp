// The roofline: what this machine can do at most (peak fp32 FLOP/s from an
// FMA throughput loop, DRAM bandwidth from a STREAM-like triad) and where a
// kernel sits (its arithmetic intensity and achieved rate).
//
// Measurement runs inside a tbb::task_arena of `threads` threads, like the
// kernels. Both loops check `cancel` between short chunks and give up with
// Outcome::Cancelled when it becomes true.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "kernels/kernel.hpp"
#include "platform/host.hpp"
#include "platform/outcome.hpp"
#include "platform/roofline_machine.hpp"

namespace cachescope {

struct RooflineOptions {
  int threads = 1;
  double seconds = 0.3;        // per measurement (peak: fastest chunk; bandwidth: best of rounds)
  std::size_t triadBytes = 0;  // all three arrays together; 0: defaultTriadBytes()
};

// One measured rate and how its measurement ended (`value` is valid when Ok;
// `failure` says why when Failed).
struct Measured {
  Outcome outcome = Outcome::Ok;
  double value = 0;
  std::string failure;
};

// The machine's roofs, valid when `outcome` is Ok.
struct RooflineResult {
  Outcome outcome = Outcome::Ok;
  std::string failure;
  RooflineMachine machine;
};

// Four times the last-level cache (so no array stays cached), at least 64 MiB,
// at most a quarter of the available memory.
std::size_t defaultTriadBytes();

// Peak fp32 FLOP/s of an FMA loop with independent accumulators (enough to
// hide the FMA latency on every port), on `threads` threads; the SIMD level
// is activeSimd()'s. `simd` receives the variant that ran. The result is the
// sum over threads of each one's fastest ~0.5 ms chunk (robust to other
// processes on a shared machine); threads beyond the core count do not count.
Measured measurePeakGflops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel = nullptr);

// Peak int8 multiply-add rate (GOP/s, a product and its add = 2 ops) of the
// int8 GEMM's own instructions on independent accumulators: vpdpbusd with
// AVX-512 VNNI, else pmaddubsw + pmaddwd + paddd (AVX2). Failed below AVX2.
// int8LoopName: which loop runs at `simd` ("amx", "avx512-vnni", "avx2", "" none).
Measured measurePeakInt8Gops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel = nullptr);
std::string int8LoopName(SimdLevel simd);

// Peak bf16 rate (GFLOP/s, a product and its fp32 add = 2) of matmul.bf16's
// engine instructions: tdpbf16ps tiles with AMX-BF16, vdpbf16ps with
// AVX512-BF16. Failed without either (matmul.bf16 then runs fp32 FMAs).
// bf16LoopName: which loop runs at `simd` ("amx-bf16", "avx512-bf16", "" none).
Measured measurePeakBf16Gflops(int threads, double seconds, SimdLevel simd, const std::atomic<bool>* cancel = nullptr);
std::string bf16LoopName(SimdLevel simd);

// a[i] = b[i] + s * c[i] over doubles, `bytes` in all; best pass. Counts
// 24 bytes per element as STREAM does (the write-allocate read of `a` is not
// counted, so real traffic is up to a third higher).
// Failed when the result array does not hold what the triad computes.
Measured measureTriadGBs(int threads, std::size_t bytes, double seconds, const std::atomic<bool>* cancel = nullptr);

RooflineResult measureRoofline(const RooflineOptions& options, const std::atomic<bool>* cancel = nullptr);

// Arithmetic intensity of one kernel run: useful operations per byte of
// compulsory DRAM traffic (every input read once, the output written once;
// caches assumed perfect, so it is an upper bound on intensity):
//   matmul fp32:   2n^3 FLOP / (3 n^2 x 4 B)              = n/6
//   matmul int8/4: 2n^3 OP   / (2 n^2 x bits/8 + n^2 x 4 B)  (int32/fp32 C)
//   matmul sparse: work      / (nnz x (4 B value + 4 B column) + (n+1) x 4 B + 2 n^2 x 4 B)
//   relu:          n^2 OP    / (2 n^2 x element bytes)     = 1/8 for fp32
// `flops` is the kernel's own work count for matmul (so the achieved rate
// matches `bench`), one comparison per element for relu.
struct IntensityModel {
  double flops = 0;
  double bytes = 0;
  std::string formula;  // how `bytes` was counted, for reports
  int bits = 32;        // the element width counted (16: bf16, 8 / 4: integers)
  double intensity() const { return bytes > 0 ? flops / bytes : 0; }
};

IntensityModel intensityModel(const Kernel& kernel, const Params& params);

// The roof a kernel run is measured against: ReLU the DRAM slope only, the
// quantized matmuls (bits 8, 4) the int8 roof, the rest (bf16 too: its sums
// are fp32) fp32.
Roof roofFor(const Kernel& kernel, const Params& params);
const char* roofName(Roof roof);  // "fp32", "int8", "DRAM"

// Why a point sits above its roof (by more than 2%), "" when it does not, in
// a few words for the plot's point label: "8 MiB fits in L3" (on the DRAM
// slope, its compulsory bytes fit a cache, so they come from there), "no
// int8 peak measured", "bf16 dot products: no bf16 roof measured" (a bf16 run above
// the fp32 roof), "cache reuse", "above the measured peak (noise?)".
std::string aboveRoofReason(const RooflineMachine& machine, Roof roof, const IntensityModel& model, double achieved);

}  // namespace cachescope
