// Assumptions: AVX-512F. 16 zmm accumulators: two FMA pipes x 4 cycles of
// latency need at least 8 independent chains; 16 leaves margin for CPUs with
// longer latency and still fits the 32 registers with room for m and c.
// The int8 loop also needs AVX-512 VNNI (called only when the host has it).
#include <immintrin.h>

#include <cstdint>

#include "bench/roofline_fma.hpp"

namespace cachescope::detail {

double fmaLoopAvx512(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 16;
  const __m512 m = _mm512_set1_ps(opaque(0.9999999f));
  const __m512 c = _mm512_set1_ps(opaque(1e-7f));
  __m512 acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_set1_ps(1.0f + 0.01f * float(i));
  for (std::int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, c);
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kAcc; ++i) sum = _mm512_add_ps(sum, acc[i]);
  // (Not _mm512_reduce_add_ps: GCC 12 warns about its internals.)
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  *sink = total;
  return double(iterations) * kAcc * 16 * 2;
}

// AVX-512 VNNI: vpdpbusd, 64 products a instruction, 16 chains (its latency
// of about 5 cycles on two ports needs 10).
double int8LoopAvx512Vnni(std::int64_t iterations, float* sink) {
  constexpr int kAcc = 16;
  __m512i a = _mm512_set1_epi8(std::int8_t(opaque(3.0f)));
  const __m512i b = _mm512_set1_epi8(std::int8_t(opaque(2.0f)));
  __m512i acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_setzero_si512();
  for (std::int64_t it = 0; it < iterations; ++it) {
    asm volatile("" : "+v"(a));
#pragma GCC unroll 16
    for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  }
  __m512i sum = acc[0];
  for (int i = 1; i < kAcc; ++i) sum = _mm512_add_epi32(sum, acc[i]);
  alignas(64) std::int32_t lanes[16];
  _mm512_store_si512(lanes, sum);
  float total = 0;
  for (std::int32_t v : lanes) total += float(v);
  *sink = total;
  return double(iterations) * kAcc * 64 * 2;
}

}  // namespace cachescope::detail
