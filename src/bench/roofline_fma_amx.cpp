// Assumptions: AMX-TILE and AMX-INT8 (AMX-BF16 for the bf16 loop), called
// only when amxActive() (and host().amxBf16). The int8 and bf16 roofs of the
// AMX paths: tdpbssd / tdpbf16ps on four independent accumulator tiles
// (tmm0..3) from operand tiles that stay in registers (tmm4..7), the
// instruction and the 2 x 2 tile shape of the AMX GEMM micro-kernels
// (int_gemm_amx.cpp, bf16_gemm_amx.cpp) without their loads. One tdpbssd:
// 16 x 16 x 64 products; one tdpbf16ps: 16 x 16 x 32.
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

double bf16LoopAmx(std::int64_t iterations, float* sink) {
  amxLoadTiles16x64();
  alignas(64) std::uint16_t operand[512];
  // bf16 0.5 and 2^-20 (see the AVX512-BF16 loop): finite sums.
  const std::uint16_t a = std::uint16_t(0x3f00 + int(opaque(0.0f))), b = std::uint16_t(0x3580 + int(opaque(0.0f)));
  for (int i = 0; i < 256; ++i) operand[i] = a;
  for (int i = 256; i < 512; ++i) operand[i] = b;
  _tile_loadd(4, operand, 64);
  _tile_loadd(5, operand, 64);
  _tile_loadd(6, operand + 256, 64);
  _tile_loadd(7, operand + 256, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  for (std::int64_t it = 0; it < iterations; ++it) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float out[256];
  _tile_stored(0, out, 64);
  amxReleaseTiles();
  *sink = out[0];
  return double(iterations) * 4 * 16 * 16 * 32 * 2;
}

}  // namespace cachescope::detail
