// Assumptions (gemmUkernel6x16Avx2, the AVX2 + FMA GEMM micro-kernel)
// - Computes one 6 x 16 tile of C: C (=|+=) A_panel * B_panel, fp32.
// - A_panel: packed, kc x 6, k-major: a[k*6 + i] is A[i][k]; read by scalar
//   broadcasts, so alignment does not matter.
// - B_panel: packed, kc x 16, k-major: b[k*16 + j] is B[k][j]; 64-byte aligned,
//   so the two 32-byte loads of each k step are aligned and share one line.
// - C: row-major, leading dimension ldc floats, any alignment; the whole tile
//   is valid (edges go through the caller's scratch tile).
// - Register budget: 12 ymm accumulators (6 rows x 2 vectors of 8), 2 for the
//   B row, 1 for the broadcast A value: 15 of the 16 ymm registers.
// - Per k step: 2 vector loads, 6 broadcasts, 12 FMAs: with two FMA pipes that
//   is 6 cycles, and 12 independent chains hide the FMA latency.
// - Block sizes (mr = 6, nr = 16, kc from L1) come from gemm_packed.cpp;
//   kc is any value >= 1.
// - Compiled with AVX2 + FMA (file suffix _avx2.cpp); called only when
//   activeSimd() reports at least AVX2.
#include <immintrin.h>

#include "kernels/gemm_packed.hpp"

namespace cachescope {

void gemmUkernel6x16Avx2(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  constexpr int kMr = 6;
  __m256 acc[kMr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();

#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);

  for (int k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += 16;
  }

#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm256_add_ps(_mm256_loadu_ps(row), acc[i][0]);
      acc[i][1] = _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[i][1]);
    }
    _mm256_storeu_ps(row, acc[i][0]);
    _mm256_storeu_ps(row + 8, acc[i][1]);
  }
}

}  // namespace cachescope
