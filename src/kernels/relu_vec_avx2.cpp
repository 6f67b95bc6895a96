// ReLU, AVX2. Assumptions: called only when activeSimd() >= Avx2; no
// alignment assumed (streaming stores start at the first 32-byte boundary);
// scalar tail. max(x, 0) returns its second operand (+0)
// for -0 and NaN, as the reference `x > 0 ? x : 0`.
#include <immintrin.h>

#include <cstdint>

#include "kernels/relu_vec.hpp"

namespace cachescope {

void reluF32Avx2(const float* x, float* y, std::size_t count, bool stream) {
  const __m256 zero = _mm256_setzero_ps();
  std::size_t i = 0;
  if (stream) {
    // vmovntps needs a 32-byte aligned destination: plain stores up to there.
    for (; i < count && (reinterpret_cast<std::uintptr_t>(y + i) & 31) != 0; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
    for (; i + 32 <= count; i += 32) {
      const __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
      const __m256 v2 = _mm256_loadu_ps(x + i + 16), v3 = _mm256_loadu_ps(x + i + 24);
      _mm256_stream_ps(y + i, _mm256_max_ps(v0, zero));
      _mm256_stream_ps(y + i + 8, _mm256_max_ps(v1, zero));
      _mm256_stream_ps(y + i + 16, _mm256_max_ps(v2, zero));
      _mm256_stream_ps(y + i + 24, _mm256_max_ps(v3, zero));
    }
    _mm_sfence();  // order the streaming stores before whatever reads y next
  }
  for (; i + 32 <= count; i += 32) {
    const __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    const __m256 v2 = _mm256_loadu_ps(x + i + 16), v3 = _mm256_loadu_ps(x + i + 24);
    _mm256_storeu_ps(y + i, _mm256_max_ps(v0, zero));
    _mm256_storeu_ps(y + i + 8, _mm256_max_ps(v1, zero));
    _mm256_storeu_ps(y + i + 16, _mm256_max_ps(v2, zero));
    _mm256_storeu_ps(y + i + 24, _mm256_max_ps(v3, zero));
  }
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, _mm256_max_ps(_mm256_loadu_ps(x + i), zero));
  for (; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

}  // namespace cachescope
