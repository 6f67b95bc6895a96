// Assumptions: AVX2 + FMA3. 12 ymm accumulators (of 16 registers): enough
// independent chains for two FMA pipes with 4-5 cycles of latency. The int8
// loop: AVX2 (pmaddubsw, pmaddwd), as the int8 GEMM's AVX2 micro-kernel.
#include <immintrin.h>

#include <cstdint>

#include "bench/roofline_fma.hpp"

namespace cachescope::detail {

double fmaLoopAvx2(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 12;
  const __m256 m = _mm256_set1_ps(opaque(0.9999999f));
  const __m256 c = _mm256_set1_ps(opaque(1e-7f));
  __m256 acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_set1_ps(1.0f + 0.01f * float(i));
  for (std::int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_fmadd_ps(acc[i], m, c);
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kAcc; ++i) sum = _mm256_add_ps(sum, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  *sink = total;
  return double(iterations) * kAcc * 8 * 2;
}

// Six chains (6 accumulators + 6 B vectors + A + ones = 14 of 16 ymm). The
// empty asm makes A opaque each round, so the products cannot be hoisted
// out of the loop; the only dependency is the 1-cycle add into each chain.
double int8LoopAvx2(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 6;
  __m256i a = _mm256_set1_epi8(std::int8_t(opaque(3.0f)));
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i b[kAcc], acc[kAcc];
  for (int i = 0; i < kAcc; ++i) {
    b[i] = _mm256_set1_epi8(std::int8_t(opaque(float(1 + i))));
    acc[i] = _mm256_setzero_si256();
  }
  for (std::int64_t it = 0; it < iterations; ++it) {
    asm volatile("" : "+x"(a));
#pragma GCC unroll 6
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b[i]), ones));
  }
  __m256i sum = acc[0];
  for (int i = 1; i < kAcc; ++i) sum = _mm256_add_epi32(sum, acc[i]);
  alignas(32) std::int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sum);
  float total = 0;
  for (std::int32_t v : lanes) total += float(v);
  *sink = total;
  return double(iterations) * kAcc * 32 * 2;
}

}  // namespace cachescope::detail
