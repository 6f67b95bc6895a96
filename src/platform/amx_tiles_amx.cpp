// Compiled with AMX (file suffix _amx.cpp); see amx_tiles.hpp.
#include <immintrin.h>

#include <cstdint>

#include "platform/amx_tiles.hpp"

namespace cachescope {

namespace {

struct alignas(64) TileConfig {
  std::uint8_t palette = 1;
  std::uint8_t startRow = 0;
  std::uint8_t reserved[14] = {};
  std::uint16_t colsb[16] = {};
  std::uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64, "ldtilecfg reads 64 bytes");

}  // namespace

void amxLoadTiles16x64() {
  TileConfig cfg;
  for (int i = 0; i < 8; ++i) {
    cfg.colsb[i] = 64;
    cfg.rows[i] = 16;
  }
  // GCC 12 does not see ldtilecfg read its operand and drops the stores above
  // (the tiles then stay unconfigured: SIGILL at the first tile instruction);
  // the barrier keeps them.
  asm volatile("" : : "r"(&cfg) : "memory");
  _tile_loadconfig(&cfg);
}

void amxReleaseTiles() { _tile_release(); }

}  // namespace cachescope
