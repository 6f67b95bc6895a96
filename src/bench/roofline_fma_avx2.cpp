// Assumptions: AVX2 + FMA3. 12 ymm accumulators (of 16 registers): enough
// independent chains for two FMA pipes with 4-5 cycles of latency.
#include <immintrin.h>

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

}  // namespace cachescope::detail
