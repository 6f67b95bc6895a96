// Sparse rows, AVX-512. Assumptions: called only when activeSimd() ==
// Avx512; no alignment assumed. Strips of 64 columns (4 zmm accumulators),
// then masked strips of 16 for the rest.
#include <immintrin.h>

#include "kernels/sparse_rows.hpp"

namespace cachescope {

void sparseRowsAvx512(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1, float* strip) {
  const std::int32_t* col = a.colIdx.data();
  const float* val = a.values.data();
  // Strips outermost: a strip of B (n rows x 64 floats, 256 KiB at n = 1024)
  // is copied to a contiguous buffer and stays in L2 while every row of A
  // walks over it. Row-outer order would fetch each row of B from L3 once per
  // nonzero, and an uncopied strip (a 4 KiB stride at n = 1024) maps onto a
  // few cache sets and evicts itself.
  const int kRows = a.cols;
  int j = 0;
  for (; j + 64 <= n; j += 64) {
    for (int k = 0; k < kRows; ++k)
      for (int v = 0; v < 64; v += 16) _mm512_store_ps(strip + k * 64 + v, _mm512_loadu_ps(b + k * ldb + j + v));
    for (int i = row0; i < row1; ++i) {
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
      for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p) {
        const __m512 av = _mm512_set1_ps(val[p]);
        const float* bk = strip + std::size_t(col[p]) * 64;
        s0 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk), s0);
        s1 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 16), s1);
        s2 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 32), s2);
        s3 = _mm512_fmadd_ps(av, _mm512_loadu_ps(bk + 48), s3);
      }
      float* ci = c + i * ldc + j;
      _mm512_storeu_ps(ci, s0);
      _mm512_storeu_ps(ci + 16, s1);
      _mm512_storeu_ps(ci + 32, s2);
      _mm512_storeu_ps(ci + 48, s3);
    }
  }
  for (; j < n; j += 16) {
    const __mmask16 m = n - j >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - j)) - 1);
    for (int i = row0; i < row1; ++i) {
      __m512 s = _mm512_setzero_ps();
      for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p)
        s = _mm512_fmadd_ps(_mm512_set1_ps(val[p]), _mm512_maskz_loadu_ps(m, b + std::size_t(col[p]) * ldb + j), s);
      _mm512_mask_storeu_ps(c + i * ldc + j, m, s);
    }
  }
}

}  // namespace cachescope
