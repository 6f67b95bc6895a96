// Integer GEMM micro-kernel, AVX2: a 4 x 16 tile of int32 sums.
//
// Assumptions
// - Called only when activeSimd() >= Avx2 (and no AVX-512 VNNI path is taken).
// - Packed A micro-panel: kq groups of 4 rows x 4 signed bytes; packed B
//   micro-panel: kq groups of 16 columns x 4 signed bytes. Unaligned loads.
// - Values are symmetric, |q| <= 127 (quantize.hpp never produces -128).
//   pmaddubsw multiplies unsigned by signed bytes and adds pairs with int16
//   saturation, so the sign of a is moved onto b: |a| * sign(a) b. Then each
//   pair is at most 2 * 127 * 127 = 32258 < 32767: no saturation, exact.
//   pmaddwd with ones adds the pairs into int32 (exact).
// - Registers: 8 accumulators + 2 B + ones + a, |a| + 2 temporaries <= 16 ymm.
#include <immintrin.h>

#include "kernels/int_gemm_isa.hpp"

namespace cachescope {

// Named accumulators, not an array: GCC would keep an array in memory.
#define CS_ROW_DECL(r) __m256i c##r##0 = z, c##r##1 = z
#define CS_ROW_STEP(r)                                                                                            \
  do {                                                                                                            \
    int word;                                                                                                     \
    __builtin_memcpy(&word, a + (r)*4, 4);                                                                        \
    const __m256i av = _mm256_set1_epi32(word);                                                                   \
    const __m256i absA = _mm256_abs_epi8(av);                                                                     \
    c##r##0 =                                                                                                     \
        _mm256_add_epi32(c##r##0, _mm256_madd_epi16(_mm256_maddubs_epi16(absA, _mm256_sign_epi8(b0, av)), ones)); \
    c##r##1 =                                                                                                     \
        _mm256_add_epi32(c##r##1, _mm256_madd_epi16(_mm256_maddubs_epi16(absA, _mm256_sign_epi8(b1, av)), ones)); \
  } while (0)
#define CS_ROW_SAVE(r)                                                         \
  _mm256_store_si256(reinterpret_cast<__m256i*>(tile + (r)*kAvx2Nr), c##r##0); \
  _mm256_store_si256(reinterpret_cast<__m256i*>(tile + (r)*kAvx2Nr + 8), c##r##1)

void intMicroAvx2(const IntTile& t) {
  static_assert(kAvx2Mr == 4 && kAvx2Nr == 16, "the macros below spell out 4 rows x 2 vectors");
  const __m256i z = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi16(1);
  CS_ROW_DECL(0);
  CS_ROW_DECL(1);
  CS_ROW_DECL(2);
  CS_ROW_DECL(3);

  // The C tile is touched only after the loop: fetch its lines now (see the
  // AVX-512 kernel).
  for (int r = 0; r < t.rows; ++r)
    for (int v = 0; v < kAvx2Nr; v += 16) _mm_prefetch(reinterpret_cast<const char*>(t.c + r * t.ldc + v), _MM_HINT_T0);

  const std::uint8_t* a = t.a;
  const std::int8_t* b = t.b;
  for (int q = 0; q < t.kq; ++q) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32));
    CS_ROW_STEP(0);
    CS_ROW_STEP(1);
    CS_ROW_STEP(2);
    CS_ROW_STEP(3);
    a += kAvx2Mr * 4;
    b += kAvx2Nr * 4;
  }

  alignas(32) std::int32_t tile[kAvx2Mr * kAvx2Nr];
  CS_ROW_SAVE(0);
  CS_ROW_SAVE(1);
  CS_ROW_SAVE(2);
  CS_ROW_SAVE(3);
  if (t.rows != kAvx2Mr || t.cols != kAvx2Nr) {
    intTileEpilogue(t, tile, kAvx2Nr);
    return;
  }
  for (int r = 0; r < kAvx2Mr; ++r) {
    float* row = t.c + r * t.ldc;
    const __m256 rs = _mm256_set1_ps(t.rowScale[r]);
    for (int v = 0; v < kAvx2Nr / 8; ++v) {
      auto* p = reinterpret_cast<__m256i*>(row + v * 8);
      __m256i s = _mm256_load_si256(reinterpret_cast<const __m256i*>(tile + r * kAvx2Nr + v * 8));
      if (t.first) {
        if (t.colOffset)
          s = _mm256_sub_epi32(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.colOffset + v * 8)));
      } else {
        s = _mm256_add_epi32(s, _mm256_loadu_si256(p));  // int32 partials kept in C
      }
      if (t.last)
        _mm256_storeu_ps(row + v * 8,
                         _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(s), rs), _mm256_loadu_ps(t.colScale + v * 8)));
      else
        _mm256_storeu_si256(p, s);
    }
  }
}

#undef CS_ROW_DECL
#undef CS_ROW_STEP
#undef CS_ROW_SAVE

void unpackInt4Avx2(const std::uint8_t* packed, std::size_t count, std::int8_t* out) {
  const __m256i lowMask = _mm256_set1_epi16(0x000F), highMask = _mm256_set1_epi16(0x0F00);
  const __m256i eight = _mm256_set1_epi8(8);
  std::size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    const __m256i w = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + i / 2)));
    __m256i x = _mm256_or_si256(_mm256_and_si256(w, lowMask), _mm256_and_si256(_mm256_slli_epi16(w, 4), highMask));
    x = _mm256_sub_epi8(_mm256_xor_si256(x, eight), eight);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), x);
  }
  for (; i < count; ++i) {
    const unsigned nib = (packed[i / 2] >> ((i & 1) * 4)) & 0xFu;
    out[i] = std::int8_t(int(nib ^ 8u) - 8);
  }
}

}  // namespace cachescope
