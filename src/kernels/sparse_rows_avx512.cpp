// Sparse rows, AVX-512. Assumptions: called only when activeSimd() ==
// Avx512; no alignment assumed. Strips of 64 columns (4 zmm accumulators),
// then 16, then one masked strip for the rest.
#include <immintrin.h>

#include "kernels/sparse_rows.hpp"

namespace cachescope {

void sparseRowsAvx512(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1) {
  const std::int32_t* col = a.colIdx.data();
  const float* val = a.values.data();
  for (int i = row0; i < row1; ++i) {
    const std::int32_t p0 = a.rowPtr[i], p1 = a.rowPtr[i + 1];
    float* ci = c + i * ldc;
    int j = 0;
    for (; j + 64 <= n; j += 64) {
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
      for (std::int32_t p = p0; p < p1; ++p) {
        const __m512 av = _mm512_set1_ps(val[p]);
        const float* bk = b + std::size_t(col[p]) * ldb + j;
        s0 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk), s0);
        s1 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 16), s1);
        s2 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 32), s2);
        s3 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 48), s3);
      }
      _mm512_storeu_ps(ci + j, s0);
      _mm512_storeu_ps(ci + j + 16, s1);
      _mm512_storeu_ps(ci + j + 32, s2);
      _mm512_storeu_ps(ci + j + 48, s3);
    }
    for (; j < n; j += 16) {
      const __mmask16 m = n - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - j)) - 1);
      __m512 s = _mm512_setzero_ps();
      for (std::int32_t p = p0; p < p1; ++p)
        s = _mm512_fmadd_ps(_mm512_set1_ps(val[p]), _mm512_maskz_loadu_ps(m, b + std::size_t(col[p]) * ldb + j), s);
      _mm512_mask_storeu_ps(ci + j, m, s);
    }
  }
}

}  // namespace cachescope
