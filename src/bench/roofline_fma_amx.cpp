// Assumptions: AMX-TILE and AMX-INT8, called only when amxActive(). The
// int8 roof of the AMX path: tdpbssd on four independent accumulator tiles
// (tmm0..3) from operand tiles that stay in registers (tmm4..7), the
// instruction and the 2 x 2 tile shape of the AMX GEMM micro-kernel
// (int_gemm_amx.cpp) without its loads. One tdpbssd: 16 x 16 x 64 products.
#include <immintrin.h>

#include <cstdint>

#include "bench/roofline_fma.hpp"
#include "platform/amx_tiles.hpp"

namespace cachescope::detail {

double int8LoopAmx(std::int64_t iterations, float* sink) {
  amxLoadTiles16x64();
  alignas(64) std::int8_t operand[1024];
  const std::int8_t v = std::int8_t(opaque(1.0f));
  for (auto& x : operand) x = v;
  _tile_loadd(4, operand, 64);
  _tile_loadd(5, operand, 64);
  _tile_loadd(6, operand, 64);
  _tile_loadd(7, operand, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  for (std::int64_t it = 0; it < iterations; ++it) {
    _tile_dpbssd(0, 4, 6);
    _tile_dpbssd(1, 4, 7);
    _tile_dpbssd(2, 5, 6);
    _tile_dpbssd(3, 5, 7);
  }
  alignas(64) std::int32_t out[256];
  _tile_stored(0, out, 64);
  amxReleaseTiles();
  *sink = float(out[0]);
  return double(iterations) * 4 * 16 * 16 * 64 * 2;
}

}  // namespace cachescope::detail
