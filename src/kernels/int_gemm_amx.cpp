// Integer GEMM micro-kernel, AMX-INT8: a 32 x 32 tile of int32 sums held in
// four AMX tile registers.
//
// Assumptions
// - Called only when amxActive() (the CPU has AMX-TILE and AMX-INT8, and
//   Linux granted the tile data state to this process), between
//   amxLoadTiles16x64() and amxReleaseTiles() on the same thread (the
//   IntGemmIsa begin/end hooks): the tile configuration is per thread.
// - Tile registers, all 16 rows x 64 bytes (palette 1):
//     tmm0..3  C: rows 0-15 / 16-31 x columns 0-15 / 16-31, 16 int32 per row
//     tmm4, 5  A: rows 0-15 / 16-31, 64 consecutive k (signed bytes)
//     tmm6, 7  B: 16 groups of 4 k x columns 0-15 / 16-31 (4 bytes per column)
//   Per step of 64 k: 4 tile loads (4 KiB) and 4 tdpbssd (65536 multiply-adds,
//   16 cycles each on Sapphire Rapids: 1024 int8 multiply-adds per cycle).
// - Packed A micro-panel: 32 rows of kc bytes (IntGemmIsa::rowMajorA), loaded
//   with stride kc. Packed B micro-panel: per group of 4 k, 32 columns x 4
//   bytes (the layout every path shares), so a B tile is 16 groups read with
//   stride 128 bytes. kc and the padded k are multiples of 64 (kAlign), the
//   padding is zeros: exact.
// - tdpbssd multiplies signed by signed bytes: no +128 offset on A, no column
//   correction (colOffset is zero).
// - Between kc blocks the C tile holds int32 partial sums (shared epilogue).
#include <immintrin.h>

#include "kernels/int_gemm_isa.hpp"

namespace cachescope {

namespace {

constexpr int kRowBytes = 64;                      // one tile row: 16 int32 or 64 bytes
constexpr int kGroupBytes = kAmxNr * 4;            // one group of 4 k in a B panel
constexpr int kStepB = (kAmxK / 4) * kGroupBytes;  // B bytes per 64 k

}  // namespace

void intMicroAmx(const IntTile& t) {
  static_assert(kAmxMr == 32 && kAmxNr == 32 && kAmxK == 64, "the tile numbers below spell out 2 x 2 tiles");
  const std::size_t strideA = std::size_t(t.kq) * 4;  // kc bytes per packed A row
  // The C tile is read and written only after the loop: ask for its lines now.
  for (int r = 0; r < t.rows; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(t.c + r * t.ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(t.c + r * t.ldc + 16), _MM_HINT_T0);
  }
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const std::uint8_t* a = t.a;
  const std::int8_t* b = t.b;
  const int steps = t.kq / (kAmxK / 4);
  for (int s = 0; s < steps; ++s) {
    _tile_loadd(4, a, strideA);
    _tile_loadd(5, a + 16 * strideA, strideA);
    _tile_loadd(6, b, kGroupBytes);
    _tile_loadd(7, b + kRowBytes, kGroupBytes);
    _tile_dpbssd(0, 4, 6);
    _tile_dpbssd(1, 4, 7);
    _tile_dpbssd(2, 5, 6);
    _tile_dpbssd(3, 5, 7);
    a += kAmxK;
    b += kStepB;
  }
  alignas(64) std::int32_t tile[kAmxMr * kAmxNr];
  constexpr std::size_t ldTile = kAmxNr * 4;  // bytes per row of `tile`
  _tile_stored(0, tile, ldTile);
  _tile_stored(1, tile + 16, ldTile);
  _tile_stored(2, tile + 16 * kAmxNr, ldTile);
  _tile_stored(3, tile + 16 * kAmxNr + 16, ldTile);
  intTileEpilogueAvx512(t, tile, kAmxMr, kAmxNr);
}

}  // namespace cachescope
