// bf16 GEMM micro-kernel, AVX512-BF16: a 32 x 32 tile of fp32 sums in zmm
// registers, by vdpbf16ps (per 32-bit lane: two bf16 products added to an
// fp32 sum).
//
// Assumptions
// - Called only when bf16Engine() is Avx512Bf16 (the CPU has AVX512-BF16 and
//   activeSimd() is AVX-512); compiled with it (file suffix _avx512bf16.cpp).
// - Packed A micro-panel: 32 rows of kc bf16 values, row r at a + r kc. A
//   lane's A operand is the pair A[r][k], A[r][k + 1]: one 32-bit broadcast.
// - Packed B micro-panel: per pair of k, 32 columns x 2 values (128 bytes,
//   64-byte aligned): columns 0-15 and 16-31 are one zmm each, lane j holding
//   B[k][j], B[k + 1][j]: exactly vdpbf16ps's other operand. kc is even (a
//   multiple of 32) and the padding is zeros.
// - The tile is done in groups of rows, 12 + 12 + 8: a group holds 2 x rows
//   zmm accumulators (24 of the 32 registers for 12 rows), the two B vectors
//   and a broadcast. Per pair of k: 2 vector loads, 12 broadcasts, 24
//   vdpbf16ps = 768 flop, twice an fp32 FMA's work per instruction. Zen 4 and
//   Intel cores issue vdpbf16ps on the FMA ports at the FMA's rate, so the
//   roof is twice fp32's. Why not 32 x 32 at once: 64 accumulators do not fit;
//   the B micro-panel (kc x 64 bytes, two thirds of L1) is read from L1 by
//   each of the three groups.
// - vdpbf16ps treats bf16 denormals as zero and rounds each fp32 add to
//   nearest even, whatever MXCSR says: the error is that of bf16 inputs with
//   fp32 sums, as on AMX.
// - A whole tile's C is read and written in place (first kc block: zeros);
//   an edge tile goes through a 32 x 32 scratch tile (onWholeTile).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/bf16_gemm.hpp"

namespace cachescope {

namespace {

// C rows [0, R) of the tile at c (leading dimension ldc) += A rows times B.
template <int R>
void rowGroup(const std::uint16_t* a, const std::uint16_t* b, int kc, float* c, std::size_t ldc, bool first) {
  __m512 acc[R][2];
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  // C is added at the end: pull its rows (ldc apart: no hardware prefetcher
  // follows them) towards the core while the dot products run.
  if (!first) {
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16), _MM_HINT_T0);
    }
  }
  const std::size_t lda = std::size_t(kc);
  for (int p = 0; p < kc / 2; ++p) {
    const __m512bh b0 = (__m512bh)_mm512_load_si512(b);
    const __m512bh b1 = (__m512bh)_mm512_load_si512(b + 32);
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      // The A pair as the dot products' embedded broadcast ({1to16}): no
      // separate vpbroadcastd, which on Zen 4 takes an issue slot of the
      // FMA pipes. GCC does not fold a broadcast that feeds two operations.
      const auto* pair = reinterpret_cast<const std::int32_t*>(a + r * lda + 2 * std::size_t(p));
      asm("vdpbf16ps %[x]%{1to16%}, %[b0], %[c0]\n\t"
          "vdpbf16ps %[x]%{1to16%}, %[b1], %[c1]"
          : [c0] "+v"(acc[r][0]), [c1] "+v"(acc[r][1])
          : [b0] "v"(b0), [b1] "v"(b1), [x] "m"(*pair));
    }
    b += 2 * kBf16Nr;
  }
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    if (!first) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(c + r * ldc));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(c + r * ldc + 16));
    }
    _mm512_storeu_ps(c + r * ldc, acc[r][0]);
    _mm512_storeu_ps(c + r * ldc + 16, acc[r][1]);
  }
}

}  // namespace

void bf16MicroAvx512(const Bf16Tile& t) {
  static_assert(kBf16Mr == 32 && kBf16Nr == 32, "the row groups below are 12 + 12 + 8 rows of 2 x 16 columns");
  onWholeTile(t, [&](float* c, std::size_t ldc) {
    const std::size_t lda = std::size_t(t.kc);
    // Groups wholly past the tile's valid rows are skipped (their rows of A
    // are zeros; their C rows are scratch that is not copied back).
    rowGroup<12>(t.a, t.b, t.kc, c, ldc, t.first);
    if (t.rows > 12) rowGroup<12>(t.a + 12 * lda, t.b, t.kc, c + 12 * ldc, ldc, t.first);
    if (t.rows > 24) rowGroup<8>(t.a + 24 * lda, t.b, t.kc, c + 24 * ldc, ldc, t.first);
  });
}

}  // namespace cachescope
