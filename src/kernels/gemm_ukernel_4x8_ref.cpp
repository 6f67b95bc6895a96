// Assumptions (gemmUkernelRef4x8, the portable reference micro-kernel)
// - Computes one 4 x 8 tile of C: C (=|+=) A_panel * B_panel, fp32, in plain
//   C++ compiled for baseline x86-64 (no ISA flags): the fallback when the CPU
//   has no AVX2, and the shape every optimised micro-kernel is checked against
//   by the same tests.
// - A_panel: packed, kc x 4, k-major (a[k*4 + i] is A[i][k]).
// - B_panel: packed, kc x 8, k-major (b[k*8 + j] is B[k][j]).
// - C: row-major, leading dimension ldc floats; whole tile valid.
// - The 32 accumulators live in a local array the compiler keeps in (SSE)
//   registers; the loop order is the same outer product per k as the SIMD
//   kernels, so the rounding order matches theirs.
// - Block sizes (mr = 4, nr = 8, kc from L1) come from gemm_packed.cpp.
#include "kernels/gemm_packed.hpp"

namespace cachescope {

void gemmUkernelRef4x8(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  constexpr int kMr = 4, kNr = 8;
  float acc[kMr][kNr] = {};
  for (int k = 0; k < kc; ++k) {
    for (int i = 0; i < kMr; ++i) {
      const float ai = a[i];
      for (int j = 0; j < kNr; ++j) acc[i][j] += ai * b[j];
    }
    a += kMr;
    b += kNr;
  }
  for (int i = 0; i < kMr; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < kNr; ++j) row[j] = accumulate ? row[j] + acc[i][j] : acc[i][j];
  }
}

}  // namespace cachescope
