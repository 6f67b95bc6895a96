// Assumptions: AVX512-BF16, called only when host().avx512bf16 and the
// active SIMD level is AVX-512. The bf16 roof of matmul.bf16's AVX512-BF16
// engine (bf16_gemm_avx512bf16.cpp): vdpbf16ps on 16 independent fp32
// accumulators from operands held in registers, the micro-kernel's
// instruction without its loads. One vdpbf16ps: 16 lanes x 2 products.
#include <immintrin.h>

#include <cstdint>

#include "bench/roofline_fma.hpp"

namespace cachescope::detail {

double bf16LoopAvx512Bf16(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 16;
  // Small bf16 values (0.5 and 2^-20): the sums grow slowly and stay finite.
  __m512bh a = (__m512bh)_mm512_set1_epi16(std::int16_t(0x3f00 + int(opaque(0.0f))));
  const __m512bh b = (__m512bh)_mm512_set1_epi16(std::int16_t(0x3580 + int(opaque(0.0f))));
  __m512 acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_setzero_ps();
  for (std::int64_t it = 0; it < iterations; ++it) {
    asm volatile("" : "+v"(a));
#pragma GCC unroll 16
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAcc; ++i) sum = _mm512_add_ps(sum, acc[i]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  *sink = total;
  return double(iterations) * kAcc * 32 * 2;
}

}  // namespace cachescope::detail
