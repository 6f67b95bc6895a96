// Assumptions (gemmUkernel14x32Avx512, the AVX-512 GEMM micro-kernel)
// - Computes one 14 x 32 tile of C: C (=|+=) A_panel * B_panel, fp32.
// - A_panel: packed, kc x 14, k-major: a[k*14 + i] is A[i][k]. 64-byte aligned
//   at the panel start (rows of 56 bytes, so individual loads are unaligned:
//   they are scalar broadcasts, which do not care).
// - B_panel: packed, kc x 32, k-major: b[k*32 + j] is B[k][j]; 64-byte
//   aligned, so each k step is exactly one cache line pair, loaded aligned.
// - C: row-major, leading dimension ldc floats (any value; rows need not be
//   aligned). The whole 14 x 32 tile is valid: edges are handled by the caller
//   (macroKernel) through a scratch tile.
// - Register budget: 28 zmm accumulators (14 rows x 2 vectors of 16), 2 zmm for
//   the B row, A values come in as embedded broadcasts ({1to16} memory
//   operands): 30 of the 32 zmm registers, no spills.
// - Per k step: 2 vector loads, 14 broadcasts, 28 FMAs. Zen 4 issues one
//   512-bit FMA per cycle (two 256-bit pipes), Intel server cores two; with 28
//   independent accumulators the 4-cycle FMA latency is hidden either way.
// - Block sizes (mr = 14, nr = 32, kc from L1) come from gemm_packed.cpp;
//   kc is any value >= 1.
// - Compiled with AVX-512F (file suffix _avx512.cpp); called only when
//   activeSimd() says the CPU has it.
#include <immintrin.h>

#include "kernels/gemm_packed.hpp"

namespace cachescope {

void gemmUkernel14x32Avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  constexpr int kMr = 14;
  __m512 acc[kMr][2];
#pragma GCC unroll 14
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();

  // Pull the C tile towards the core while the FMAs run: it is needed only
  // at the end, and its rows are ldc apart (no hardware prefetcher follows).
#pragma GCC unroll 14
  for (int i = 0; i < kMr; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
  }

  for (int k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 14
    for (int i = 0; i < kMr; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += 32;
  }

  if (accumulate) {
#pragma GCC unroll 14
    for (int i = 0; i < kMr; ++i) {
      float* row = c + i * ldc;
      _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[i][0]));
      _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), acc[i][1]));
    }
  } else {
#pragma GCC unroll 14
    for (int i = 0; i < kMr; ++i) {
      float* row = c + i * ldc;
      _mm512_storeu_ps(row, acc[i][0]);
      _mm512_storeu_ps(row + 16, acc[i][1]);
    }
  }
}

}  // namespace cachescope
