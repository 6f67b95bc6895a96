// matmul.simd, AVX2 + FMA path. The same loop as the AVX-512 path with
// 8-float vectors: a C tile of 4 rows x 16 columns (8 ymm) in registers, B
// row segments loaded once per k and reused by the 4 rows. AVX2 has only 16
// vector registers, hence the narrower tile. Columns past n are masked with
// vmaskmov. Compiled with AVX2/FMA flags, called only after CPU detection.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>

#include "kernels/matmul_simd.hpp"

namespace cachescope {

namespace {

constexpr int kVec = 8;
constexpr int kVecs = kSimdStripAvx2 / kVec;

template <int R>
void tile(int k0, int k1, const float* a, std::ptrdiff_t lda, const float* b, std::ptrdiff_t ldb, float* c, std::ptrdiff_t ldc,
          const __m256i (&mask)[kVecs]) {
  __m256 acc[R][kVecs];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm256_maskload_ps(c + r * ldc + v * kVec, mask[v]);

  for (int k = k0; k < k1; ++k) {
    __m256 bv[kVecs];
    const float* brow = b + k * ldb;
#pragma GCC unroll 2
    for (int v = 0; v < kVecs; ++v) bv[v] = _mm256_maskload_ps(brow + v * kVec, mask[v]);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + r * lda + k);
#pragma GCC unroll 2
      for (int v = 0; v < kVecs; ++v) acc[r][v] = _mm256_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }

#pragma GCC unroll 4
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < kVecs; ++v) _mm256_maskstore_ps(c + r * ldc + v * kVec, mask[v], acc[r][v]);
}

}  // namespace

void matmulSimdAvx2(int n, int width, const float* a, const float* b, float* c, int kBlock) {
  const std::ptrdiff_t nn = n;
  for (int j0 = 0; j0 < width; j0 += kSimdStripAvx2) {
    const int cols = std::min(kSimdStripAvx2, width - j0);
    __m256i mask[kVecs];
    for (int v = 0; v < kVecs; ++v) {
      int live = std::clamp(cols - v * kVec, 0, kVec);
      // Lane l is live when l < live: compare the lane numbers with `live`.
      mask[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(live), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
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
