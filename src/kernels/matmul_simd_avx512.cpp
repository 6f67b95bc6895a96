// matmul.simd, AVX-512 path. A tile of C, 4 rows x 64 columns (16 zmm), stays
// in registers while k runs over a block: each step loads one 64-float row
// segment of B (4 vectors), broadcasts A[i][k] for the 4 rows and does 16
// FMAs. Columns past n are switched off with masks, so any n works without a
// scalar tail. Compiled with AVX-512 flags (file suffix), called only after
// CPU detection.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>

#include "kernels/matmul_simd.hpp"

namespace cachescope {

namespace {

constexpr int kVec = 16;
constexpr int kVecs = kSimdStripAvx512 / kVec;

template <int R>
void tile(int k0, int k1, const float* a, std::ptrdiff_t lda, const float* b, std::ptrdiff_t ldb, float* c, std::ptrdiff_t ldc,
          const __mmask16 (&mask)[kVecs]) {
  __m512 acc[R][kVecs];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_maskz_loadu_ps(mask[v], c + r * ldc + v * kVec);

  for (int k = k0; k < k1; ++k) {
    __m512 bv[kVecs];
    const float* brow = b + k * ldb;
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], brow + v * kVec);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const __m512 ar = _mm512_set1_ps(a[r * lda + k]);
#pragma GCC unroll 4
      for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }

#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) _mm512_mask_storeu_ps(c + r * ldc + v * kVec, mask[v], acc[r][v]);
}

}  // namespace

void matmulSimdAvx512(int n, int width, const float* a, const float* b, float* c, int kBlock) {
  const std::ptrdiff_t nn = n;
  for (int j0 = 0; j0 < width; j0 += kSimdStripAvx512) {
    const int cols = std::min(kSimdStripAvx512, width - j0);
    __mmask16 mask[kVecs];
    for (int v = 0; v < kVecs; ++v) {
      int live = std::clamp(cols - v * kVec, 0, kVec);
      mask[v] = static_cast<__mmask16>((1u << live) - 1u);
    }
    for (int k0 = 0; k0 < n; k0 += kBlock) {
      const int k1 = std::min(n, k0 + kBlock);
      int i0 = 0;
      for (; i0 + 4 <= n; i0 += 4) tile<4>(k0, k1, a + i0 * nn, nn, b + j0, nn, c + i0 * nn + j0, nn, mask);
      switch (n - i0) {
        case 3: tile<3>(k0, k1, a + i0 * nn, nn, b + j0, nn, c + i0 * nn + j0, nn, mask); break;
        case 2: tile<2>(k0, k1, a + i0 * nn, nn, b + j0, nn, c + i0 * nn + j0, nn, mask); break;
        case 1: tile<1>(k0, k1, a + i0 * nn, nn, b + j0, nn, c + i0 * nn + j0, nn, mask); break;
        default: break;
      }
    }
  }
}

}  // namespace cachescope
