// Integer GEMM micro-kernel, AVX-512 VNNI: a 6 x 64 tile of int32 sums.
//
// Assumptions
// - Called only when host().avx512vnni and activeSimd() == Avx512.
// - Packed A micro-panel: kq groups of 6 rows x 4 bytes, each byte q + 128
//   (unsigned: vpdpbusd multiplies unsigned by signed bytes). Packed B
//   micro-panel: kq groups of 64 columns x 4 signed bytes. No alignment is
//   assumed (unaligned loads), buffers are 64-byte aligned anyway.
// - The caller subtracts 128 * colsum(B) through colOffset on the first kc
//   block, which makes the +128 on A exact: sum (a + 128) b = sum a b + 128 sum b.
// - Registers: 24 accumulators (6 rows x 4 zmm) + 4 B vectors + 1 broadcast
//   of A = 29 of 32 zmm. Per group of 4 k: 4 loads of B, 6 broadcasts of A,
//   24 vpdpbusd (1536 multiply-adds).
#include <immintrin.h>

// GCC 12 warns inside its own _mm512_cvtepi32_ps (the _mm512_undefined_ps
// placeholder): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/int_gemm_isa.hpp"

namespace cachescope {

// The 24 accumulators are named variables, not an array: GCC keeps an array
// of 24 zmm in memory and reloads it every iteration.
#define CS_ROW_DECL(r) __m512i c##r##0 = z, c##r##1 = z, c##r##2 = z, c##r##3 = z
#define CS_ROW_STEP(r)                              \
  do {                                              \
    int word;                                       \
    __builtin_memcpy(&word, a + (r)*4, 4);          \
    const __m512i av = _mm512_set1_epi32(word);     \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, av, b0); \
    c##r##1 = _mm512_dpbusd_epi32(c##r##1, av, b1); \
    c##r##2 = _mm512_dpbusd_epi32(c##r##2, av, b2); \
    c##r##3 = _mm512_dpbusd_epi32(c##r##3, av, b3); \
  } while (0)
// The first kc block subtracts 128 * colsum(B) (off0..3), later ones add
// the int32 partial sums kept in C; the last block scales to fp32.
#define CS_VEC_FINISH(r, v)                                                                            \
  do {                                                                                                 \
    float* out = t.c + (r)*t.ldc + (v)*16;                                                             \
    const __m512i s = t.first ? _mm512_sub_epi32(c##r##v, off##v) : _mm512_add_epi32(c##r##v, _mm512_loadu_si512(out)); \
    if (t.last)                                                                                        \
      _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(s), _mm512_set1_ps(t.rowScale[r])), \
                                          _mm512_loadu_ps(t.colScale + (v)*16)));                      \
    else                                                                                               \
      _mm512_storeu_si512(out, s);                                                                     \
  } while (0)
#define CS_ROW_FINISH(r) \
  CS_VEC_FINISH(r, 0);   \
  CS_VEC_FINISH(r, 1);   \
  CS_VEC_FINISH(r, 2);   \
  CS_VEC_FINISH(r, 3)
#define CS_ROW_SAVE(r)                                  \
  _mm512_store_si512(tile + (r)*kVnniNr + 0, c##r##0);  \
  _mm512_store_si512(tile + (r)*kVnniNr + 16, c##r##1); \
  _mm512_store_si512(tile + (r)*kVnniNr + 32, c##r##2); \
  _mm512_store_si512(tile + (r)*kVnniNr + 48, c##r##3)

void intMicroAvx512Vnni(const IntTile& t) {
  static_assert(kVnniMr == 6 && kVnniNr == 64, "the macros below spell out 6 rows x 4 vectors");
  const __m512i z = _mm512_setzero_si512();
  CS_ROW_DECL(0);
  CS_ROW_DECL(1);
  CS_ROW_DECL(2);
  CS_ROW_DECL(3);
  CS_ROW_DECL(4);
  CS_ROW_DECL(5);

  // The C tile (int32 partial sums, or the first write) is touched only after
  // the loop; between kc blocks all of C streams through the caches, so ask
  // for its lines now and let the loop hide the latency.
  for (int r = 0; r < t.rows; ++r)
    for (int v = 0; v < kVnniNr; v += 16) _mm_prefetch(reinterpret_cast<const char*>(t.c + r * t.ldc + v), _MM_HINT_T0);

  const std::uint8_t* a = t.a;
  const std::int8_t* b = t.b;
  for (int q = 0; q < t.kq; ++q) {
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64);
    const __m512i b2 = _mm512_loadu_si512(b + 128), b3 = _mm512_loadu_si512(b + 192);
    CS_ROW_STEP(0);
    CS_ROW_STEP(1);
    CS_ROW_STEP(2);
    CS_ROW_STEP(3);
    CS_ROW_STEP(4);
    CS_ROW_STEP(5);
    a += kVnniMr * 4;
    b += kVnniNr * 4;
  }

  if (t.rows == kVnniMr && t.cols == kVnniNr) {
    // A full tile finishes from the registers: no round trip through memory.
    const __m512i off0 = t.first && t.colOffset ? _mm512_loadu_si512(t.colOffset) : z;
    const __m512i off1 = t.first && t.colOffset ? _mm512_loadu_si512(t.colOffset + 16) : z;
    const __m512i off2 = t.first && t.colOffset ? _mm512_loadu_si512(t.colOffset + 32) : z;
    const __m512i off3 = t.first && t.colOffset ? _mm512_loadu_si512(t.colOffset + 48) : z;
    CS_ROW_FINISH(0);
    CS_ROW_FINISH(1);
    CS_ROW_FINISH(2);
    CS_ROW_FINISH(3);
    CS_ROW_FINISH(4);
    CS_ROW_FINISH(5);
    return;
  }
  alignas(64) std::int32_t tile[kVnniMr * kVnniNr];
  CS_ROW_SAVE(0);
  CS_ROW_SAVE(1);
  CS_ROW_SAVE(2);
  CS_ROW_SAVE(3);
  CS_ROW_SAVE(4);
  CS_ROW_SAVE(5);
  intTileEpilogue(t, tile, kVnniNr);
}

void intTileEpilogueAvx512(const IntTile& t, const std::int32_t* tile, int mr, int nr) {
  if (t.rows != mr || t.cols != nr) {
    intTileEpilogue(t, tile, nr);
    return;
  }
  for (int r = 0; r < mr; ++r) {
    float* row = t.c + r * t.ldc;
    const __m512 rs = _mm512_set1_ps(t.rowScale[r]);
    for (int v = 0; v < nr / 16; ++v) {
      __m512i s = _mm512_load_si512(tile + r * nr + v * 16);
      if (t.first) {
        if (t.colOffset) s = _mm512_sub_epi32(s, _mm512_loadu_si512(t.colOffset + v * 16));
      } else {
        s = _mm512_add_epi32(s, _mm512_loadu_si512(row + v * 16));  // int32 partials kept in C
      }
      if (t.last)
        _mm512_storeu_ps(row + v * 16,
                         _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(s), rs), _mm512_loadu_ps(t.colScale + v * 16)));
      else
        _mm512_storeu_si512(row + v * 16, s);
    }
  }
}

#undef CS_ROW_DECL
#undef CS_ROW_STEP
#undef CS_ROW_SAVE
#undef CS_VEC_FINISH
#undef CS_ROW_FINISH

// Two int4 values per byte, low nibble first -> int8. 32 bytes at a time:
// widen each byte to 16 bits, put the low nibble in the low byte and the high
// nibble in the high byte, then sign-extend the nibbles ((x ^ 8) - 8).
void unpackInt4Avx512(const std::uint8_t* packed, std::size_t count, std::int8_t* out) {
  const __m512i lowMask = _mm512_set1_epi16(0x000F), highMask = _mm512_set1_epi16(0x0F00);
  const __m512i eight = _mm512_set1_epi8(8);
  std::size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    const __m512i w = _mm512_cvtepu8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(packed + i / 2)));
    __m512i x = _mm512_or_si512(_mm512_and_si512(w, lowMask), _mm512_and_si512(_mm512_slli_epi16(w, 4), highMask));
    x = _mm512_sub_epi8(_mm512_xor_si512(x, eight), eight);
    _mm512_storeu_si512(out + i, x);
  }
  for (; i < count; ++i) {
    const unsigned nib = (packed[i / 2] >> ((i & 1) * 4)) & 0xFu;
    out[i] = std::int8_t(int(nib ^ 8u) - 8);
  }
}

}  // namespace cachescope
