// matmul.simd internals: the same tiled loop written three times, once per
// instruction set. Each path computes C += A * B for `width` columns of C:
// A is n x n, B and C are n x width inside n x n row-major matrices (b and c
// point at the first column, leading dimension n), in strips of C columns
// one register tile wide, k in blocks of `kBlock` (so the strip of B being
// reused stays in L1), four rows of C at a time held in vector registers.
// The driver (matmul_simd.cpp) hands out one strip per call and checks the
// cancel flag between calls.
#pragma once

namespace cachescope {

// Width in floats of one column strip of C (and B) for each path.
inline constexpr int kSimdStripAvx512 = 64;  // 4 zmm per row
inline constexpr int kSimdStripAvx2 = 16;    // 2 ymm per row
inline constexpr int kSimdStripScalar = 64;

void matmulSimdAvx512(int n, int width, const float* a, const float* b, float* c, int kBlock);
void matmulSimdAvx2(int n, int width, const float* a, const float* b, float* c, int kBlock);

}  // namespace cachescope
