// Sparse rows, AVX2 + FMA. Assumptions: called only when activeSimd() >=
// Avx2; no alignment assumed. Strips of 32 columns (4 ymm accumulators),
// then 8, then a scalar tail.
#include <immintrin.h>

#include "kernels/sparse_rows.hpp"

namespace cachescope {

void sparseRowsAvx2(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0, int row1,
                    float* strip) {
  const std::int32_t* col = a.colIdx.data();
  const float* val = a.values.data();
  // Strips outermost, copied to a contiguous buffer so they stay in L2 (see
  // the AVX-512 file).
  const int kRows = a.cols;
  int j = 0;
  for (; j + 32 <= n; j += 32) {
    for (int k = 0; k < kRows; ++k)
      for (int v = 0; v < 32; v += 8) _mm256_store_ps(strip + k * 32 + v, _mm256_loadu_ps(b + k * ldb + j + v));
    for (int i = row0; i < row1; ++i) {
      __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
      for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p) {
        const __m256 av = _mm256_set1_ps(val[p]);
        const float* bk = strip + std::size_t(col[p]) * 32;
        s0 = _mm256_fmadd_ps(av, _mm256_loadu_ps(bk), s0);
        s1 = _mm256_fmadd_ps(av, _mm256_loadu_ps(bk + 8), s1);
        s2 = _mm256_fmadd_ps(av, _mm256_loadu_ps(bk + 16), s2);
        s3 = _mm256_fmadd_ps(av, _mm256_loadu_ps(bk + 24), s3);
      }
      float* ci = c + i * ldc + j;
      _mm256_storeu_ps(ci, s0);
      _mm256_storeu_ps(ci + 8, s1);
      _mm256_storeu_ps(ci + 16, s2);
      _mm256_storeu_ps(ci + 24, s3);
    }
  }
  for (; j + 8 <= n; j += 8) {
    for (int i = row0; i < row1; ++i) {
      __m256 s = _mm256_setzero_ps();
      for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p)
        s = _mm256_fmadd_ps(_mm256_set1_ps(val[p]), _mm256_loadu_ps(b + std::size_t(col[p]) * ldb + j), s);
      _mm256_storeu_ps(c + i * ldc + j, s);
    }
  }
  for (; j < n; ++j) {
    for (int i = row0; i < row1; ++i) {
      float s = 0.0f;
      for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p) s += val[p] * b[std::size_t(col[p]) * ldb + j];
      c[i * ldc + j] = s;
    }
  }
}

}  // namespace cachescope
