// Assumptions (gemmUkernel6x64Avx512, the AVX-512 GEMM micro-kernel)
// - Computes one 6 x 64 tile of C: C (=|+=) A_panel * B_panel, fp32.
// - A_panel: packed, kc x 6, k-major: a[k*6 + i] is A[i][k]. Read by scalar
//   broadcasts, so its alignment does not matter.
// - B_panel: packed, kc x 64, k-major: b[k*64 + j] is B[k][j]; 64-byte
//   aligned, so each k step is four whole cache lines, loaded aligned.
// - C: row-major, leading dimension ldc floats (any value; rows need not be
//   aligned). The whole 6 x 64 tile is valid: edges are handled by the caller
//   (macroKernel) through a scratch tile.
// - Register budget: 24 zmm accumulators (6 rows x 4 vectors of 16), 4 zmm for
//   the B row, 1 for the broadcast A value: 29 of the 32 zmm registers, no
//   spills.
// - Per k step: 4 vector loads, 6 broadcasts, 24 FMAs. Why 6 x 64 and not the
//   squarer 14 x 32: Zen 4 runs a 512-bit FMA as two 256-bit halves (one zmm
//   FMA per cycle), and its broadcasts compete with the FMAs for issue; 6 x 64
//   needs a quarter of a broadcast per FMA instead of a half, and measured
//   ~5% faster here. With 24 independent accumulators the 4-cycle FMA latency
//   is hidden on Zen 4 and on Intel cores with two 512-bit FMA ports alike.
// - Block sizes (mr = 6, nr = 64, kc and mc from L1/L2) come from
//   gemm_packed.cpp; kc is any value >= 1.
// - Compiled with AVX-512F (file suffix _avx512.cpp); called only when
//   activeSimd() says the CPU has it.
#include <immintrin.h>

#include "kernels/gemm_packed.hpp"

namespace cachescope {

void gemmUkernel6x64Avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  constexpr int kMr = 6, kVecs = 4;
  __m512 acc[kMr][kVecs];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) acc[i][v] = _mm512_setzero_ps();

  // Pull the C tile towards the core while the FMAs run: it is needed only
  // at the end, and its rows are ldc apart (no hardware prefetcher follows).
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * v), _MM_HINT_T0);

  for (int k = 0; k < kc; ++k) {
    __m512 bv[kVecs];
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < kVecs; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += kMr;
    b += 16 * kVecs;
  }

#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < kVecs; ++v) {
      float* p = c + i * ldc + 16 * v;
      _mm512_storeu_ps(p, accumulate ? _mm512_add_ps(_mm512_loadu_ps(p), acc[i][v]) : acc[i][v]);
    }
}

}  // namespace cachescope
