// The AVX2 read loop: 8 independent 256-bit accumulators, 256 bytes a step
// (two loads a cycle need more adds in flight than 4 chains of 3-4 cycles give).
#include <immintrin.h>

#include "probe/read_kernels.hpp"

namespace cachescope::probe::detail {

CACHESCOPE_TIMED_LOOP double readAvx2(const double* p, std::size_t n, std::uint64_t passes) {
  __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a, e = a, f = a, g = a, h = a;
  for (std::uint64_t k = 0; k < passes; ++k)
    for (std::size_t i = 0; i < n; i += 32) {
      a = _mm256_add_pd(a, _mm256_load_pd(p + i));
      b = _mm256_add_pd(b, _mm256_load_pd(p + i + 4));
      c = _mm256_add_pd(c, _mm256_load_pd(p + i + 8));
      d = _mm256_add_pd(d, _mm256_load_pd(p + i + 12));
      e = _mm256_add_pd(e, _mm256_load_pd(p + i + 16));
      f = _mm256_add_pd(f, _mm256_load_pd(p + i + 20));
      g = _mm256_add_pd(g, _mm256_load_pd(p + i + 24));
      h = _mm256_add_pd(h, _mm256_load_pd(p + i + 28));
    }
  const __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(a, b), _mm256_add_pd(c, d)),
                                  _mm256_add_pd(_mm256_add_pd(e, f), _mm256_add_pd(g, h)));
  alignas(32) double out[4];
  _mm256_store_pd(out, s);
  return out[0] + out[1] + out[2] + out[3];
}

}  // namespace cachescope::probe::detail
