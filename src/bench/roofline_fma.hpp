// The FMA throughput loops behind measurePeakGflops, one per instruction set
// (each in its own file so only it gets the ISA flags). Each runs
// `iterations` rounds over independent accumulators, x = x * m + c, stores
// a value derived from the accumulators to `sink` (so the loop is not
// removed) and returns the floating-point operations done (an FMA counts 2).
#pragma once

#include <cstdint>

namespace cachescope::detail {

// The loops' constants must not be known to the compiler: with them (and the
// start values) known, it proves that x * m + c rounds back to x and drops
// the whole loop, measuring nothing.
inline float opaque(float v) {
  volatile float hidden = v;
  return hidden;
}

double fmaLoopScalar(std::int64_t iterations, float* sink);
double fmaLoopAvx2(std::int64_t iterations, float* sink);
double fmaLoopAvx512(std::int64_t iterations, float* sink);

// The int8 multiply-add loops behind measurePeakInt8Gops: the instructions
// of the int8 GEMM micro-kernels (pmaddubsw + pmaddwd + paddd on AVX2,
// vpdpbusd with AVX-512 VNNI, tdpbssd tiles with AMX) on independent accumulators. They return the
// integer operations done (a product and its add count 2, as the kernels'
// work does).
double int8LoopAvx2(std::int64_t iterations, float* sink);
double int8LoopAvx512Vnni(std::int64_t iterations, float* sink);
double int8LoopAmx(std::int64_t iterations, float* sink);  // tdpbssd, when amxActive()

// The bf16 dot-product loops behind measurePeakBf16Gflops: vdpbf16ps with
// AVX512-BF16, tdpbf16ps tiles with AMX-BF16 (matmul.bf16's engines). They
// return the floating-point operations done (a product and its add count 2).
double bf16LoopAvx512Bf16(std::int64_t iterations, float* sink);
double bf16LoopAmx(std::int64_t iterations, float* sink);  // when amxActive() and host().amxBf16

}  // namespace cachescope::detail
