// ReLU, AVX-512. Assumptions: called only when activeSimd() == Avx512; no
// alignment assumed (streaming stores start at the first 64-byte boundary); the
// tail is one masked load and store. max(x, 0) returns
// its second operand (+0) for -0 and NaN, as the reference `x > 0 ? x : 0`.
#include <immintrin.h>

#include <cstdint>

// GCC 12 warns inside its own _mm512_max_ps (the _mm512_undefined_ps
// placeholder): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/relu_vec.hpp"

namespace cachescope {

void reluF32Avx512(const float* x, float* y, std::size_t count, bool stream) {
  const __m512 zero = _mm512_setzero_ps();
  std::size_t i = 0;
  if (stream) {
    // vmovntps needs a 64-byte aligned destination: plain stores up to there.
    for (; i < count && (reinterpret_cast<std::uintptr_t>(y + i) & 63) != 0; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
    for (; i + 64 <= count; i += 64) {
      const __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
      const __m512 v2 = _mm512_loadu_ps(x + i + 32), v3 = _mm512_loadu_ps(x + i + 48);
      _mm512_stream_ps(y + i, _mm512_max_ps(v0, zero));
      _mm512_stream_ps(y + i + 16, _mm512_max_ps(v1, zero));
      _mm512_stream_ps(y + i + 32, _mm512_max_ps(v2, zero));
      _mm512_stream_ps(y + i + 48, _mm512_max_ps(v3, zero));
    }
    _mm_sfence();  // order the streaming stores before whatever reads y next
  }
  for (; i + 64 <= count; i += 64) {
    const __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
    const __m512 v2 = _mm512_loadu_ps(x + i + 32), v3 = _mm512_loadu_ps(x + i + 48);
    _mm512_storeu_ps(y + i, _mm512_max_ps(v0, zero));
    _mm512_storeu_ps(y + i + 16, _mm512_max_ps(v1, zero));
    _mm512_storeu_ps(y + i + 32, _mm512_max_ps(v2, zero));
    _mm512_storeu_ps(y + i + 48, _mm512_max_ps(v3, zero));
  }
  for (; i < count; i += 16) {
    const std::size_t left = count - i;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
    _mm512_mask_storeu_ps(y + i, m, _mm512_max_ps(_mm512_maskz_loadu_ps(m, x + i), zero));
  }
}

}  // namespace cachescope
