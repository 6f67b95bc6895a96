// The AVX2 read loop: 4 independent 256-bit accumulators, 128 bytes a step.
#include <immintrin.h>

#include "probe/read_kernels.hpp"

namespace cachescope::probe::detail {

double readAvx2(const double* p, std::size_t n, std::uint64_t passes) {
  __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a;
  for (std::uint64_t k = 0; k < passes; ++k)
    for (std::size_t i = 0; i < n; i += 16) {
      a = _mm256_add_pd(a, _mm256_load_pd(p + i));
      b = _mm256_add_pd(b, _mm256_load_pd(p + i + 4));
      c = _mm256_add_pd(c, _mm256_load_pd(p + i + 8));
      d = _mm256_add_pd(d, _mm256_load_pd(p + i + 12));
    }
  const __m256d s = _mm256_add_pd(_mm256_add_pd(a, b), _mm256_add_pd(c, d));
  alignas(32) double out[4];
  _mm256_store_pd(out, s);
  return out[0] + out[1] + out[2] + out[3];
}

}  // namespace cachescope::probe::detail
