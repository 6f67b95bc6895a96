// matmul.simd internals: the same tiled loop written three times, once per
// instruction set. Each path computes C += A * B for n x n row-major
// matrices, in strips of C columns one register tile wide, k in blocks of
// `kBlock` (so the strip of B being reused stays in L1), four rows of C at a
// time held in vector registers.
#pragma once

namespace cachescope {

// Width in floats of one column strip of C (and B) for each path.
inline constexpr int kSimdStripAvx512 = 64;  // 4 zmm per row
inline constexpr int kSimdStripAvx2 = 16;    // 2 ymm per row
inline constexpr int kSimdStripScalar = 64;

void matmulSimdAvx512(int n, const float* a, const float* b, float* c, int kBlock);
void matmulSimdAvx2(int n, const float* a, const float* b, float* c, int kBlock);

}  // namespace cachescope
