// bf16 GEMM micro-kernel, AMX-BF16: a 32 x 32 tile of fp32 sums held in four
// AMX tile registers.
//
// Assumptions
// - Called only when bf16AmxActive(), between amxLoadTiles16x64() and
//   amxReleaseTiles() on the same thread (Bf16Gemm::runRows): the tile
//   configuration is per thread.
// - Tile registers, all 16 rows x 64 bytes (palette 1):
//     tmm0..3  C: rows 0-15 / 16-31 x columns 0-15 / 16-31, 16 fp32 per row
//     tmm4, 5  A: rows 0-15 / 16-31, 32 consecutive k (bf16)
//     tmm6, 7  B: 16 pairs of k x columns 0-15 / 16-31 (2 bf16 per column)
//   Per step of 32 k: 4 tile loads (4 KiB) and 4 tdpbf16ps (32768
//   multiply-adds, 16 cycles each on Sapphire Rapids: 512 multiply-adds, 1024
//   flop per cycle, 16x the fp32 FMA units on one core).
// - Packed A micro-panel: 32 rows of kc values, loaded with stride 2 kc
//   bytes. Packed B micro-panel: per pair of k, 32 columns x 2 values, so a B
//   tile is 16 pairs read with stride 128 bytes. kc and the padded k are
//   multiples of 32 and the padding is zeros.
// - tdpbf16ps rounds each sum to fp32 (round to nearest even) and treats
//   bf16 denormals as zero: the error is that of bf16 inputs with fp32 sums.
// - A full tile's C is loaded and stored in place (first block: zeroed);
//   an edge tile goes through a 32 x 32 scratch tile (onWholeTile).
#include <immintrin.h>

#include "kernels/bf16_gemm.hpp"

namespace cachescope {

namespace {

constexpr int kPairBytes = kBf16Nr * 2 * 2;           // one pair of k in a B panel: 128 bytes
constexpr int kStepB = (kBf16K / 2) * kBf16Nr * 2;    // B values per 32 k

}  // namespace

void bf16MicroAmx(const Bf16Tile& t) {
  static_assert(kBf16Mr == 32 && kBf16Nr == 32 && kBf16K == 32, "the tile numbers below spell out 2 x 2 tiles");
  onWholeTile(t, [&](float* c, std::size_t ldc) {
    const std::size_t ldBytes = ldc * 4;
    if (t.first) {
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
    } else {
      _tile_loadd(0, c, ldBytes);
      _tile_loadd(1, c + 16, ldBytes);
      _tile_loadd(2, c + 16 * ldc, ldBytes);
      _tile_loadd(3, c + 16 * ldc + 16, ldBytes);
    }
    const std::size_t strideA = std::size_t(t.kc) * 2;
    const std::uint16_t* a = t.a;
    const std::uint16_t* b = t.b;
    for (int s = 0; s < t.kc / kBf16K; ++s) {
      _tile_loadd(4, a, strideA);
      _tile_loadd(5, a + 16 * std::size_t(t.kc), strideA);
      _tile_loadd(6, b, kPairBytes);
      _tile_loadd(7, b + 32, kPairBytes);
      _tile_dpbf16ps(0, 4, 6);
      _tile_dpbf16ps(1, 4, 7);
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
      a += kBf16K;
      b += kStepB;
    }
    _tile_stored(0, c, ldBytes);
    _tile_stored(1, c + 16, ldBytes);
    _tile_stored(2, c + 16 * ldc, ldBytes);
    _tile_stored(3, c + 16 * ldc + 16, ldBytes);
  });
}

}  // namespace cachescope
