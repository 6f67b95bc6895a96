// The AVX-512 read loop: 8 independent 512-bit accumulators, 512 bytes a step.
#include <immintrin.h>

#include "probe/read_kernels.hpp"

namespace cachescope::probe::detail {

CACHESCOPE_TIMED_LOOP double readAvx512(const double* p, std::size_t n, std::uint64_t passes) {
  __m512d a = _mm512_set1_pd(0.0), b = a, c = a, d = a, e = a, f = a, g = a, h = a;
  for (std::uint64_t k = 0; k < passes; ++k)
    for (std::size_t i = 0; i < n; i += 64) {
      a = _mm512_add_pd(a, _mm512_load_pd(p + i));
      b = _mm512_add_pd(b, _mm512_load_pd(p + i + 8));
      c = _mm512_add_pd(c, _mm512_load_pd(p + i + 16));
      d = _mm512_add_pd(d, _mm512_load_pd(p + i + 24));
      e = _mm512_add_pd(e, _mm512_load_pd(p + i + 32));
      f = _mm512_add_pd(f, _mm512_load_pd(p + i + 40));
      g = _mm512_add_pd(g, _mm512_load_pd(p + i + 48));
      h = _mm512_add_pd(h, _mm512_load_pd(p + i + 56));
    }
  a = _mm512_add_pd(_mm512_add_pd(a, b), _mm512_add_pd(c, d));
  e = _mm512_add_pd(_mm512_add_pd(e, f), _mm512_add_pd(g, h));
  // (Not _mm512_reduce_add_pd: GCC 12 warns about its internals.)
  alignas(64) double out[8];
  _mm512_store_pd(out, _mm512_add_pd(a, e));
  double s = 0;
  for (double v : out) s += v;
  return s;
}

}  // namespace cachescope::probe::detail
