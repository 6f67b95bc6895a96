// AMX tile configuration shared by the AMX kernels and the roofline's AMX
// peak loop. Call only when amxActive() (host.hpp); the configuration is per
// thread, so load and release it on the thread that runs the tile code.
#pragma once

namespace cachescope {

// Palette 1, tiles tmm0..tmm7 all 16 rows x 64 bytes (16 int32 / fp32, or 64
// int8, or 32 bf16 per row).
void amxLoadTiles16x64();
// Marks the tile state unused again (cheaper context switches).
void amxReleaseTiles();

}  // namespace cachescope
