// Micro-kernels of the integer GEMM (int_gemm.hpp), one file per ISA. Only
// int_gemm.cpp calls them, after checking the CPU (selectIntGemmIsa).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/int_gemm.hpp"

namespace cachescope {

// int_gemm_avx512.cpp: 6 x 64 tile, vpdpbusd (AVX-512 VNNI), A unsigned.
inline constexpr int kVnniMr = 6, kVnniNr = 64;
void intMicroAvx512Vnni(const IntTile& t);
void unpackInt4Avx512(const std::uint8_t* packed, std::size_t count, std::int8_t* out);

// Finishes a full 6 x 64 (or 32 x 32, ...) tile of int32 sums with AVX-512
// (first block: minus colOffset; later: plus the partials in C; last: scaled
// to fp32); partial tiles go to intTileEpilogue. nr: a multiple of 16.
void intTileEpilogueAvx512(const IntTile& t, const std::int32_t* acc, int mr, int nr);

// int_gemm_amx.cpp: 32 x 32 tile as 2 x 2 AMX tiles of 16 x 16 int32, tdpbssd
// (signed x signed: A is not offset), 64 k per tile step.
inline constexpr int kAmxMr = 32, kAmxNr = 32, kAmxK = 64;
void intMicroAmx(const IntTile& t);

// int_gemm_avx2.cpp: 4 x 16 tile, pmaddubsw with the sign moved onto B.
inline constexpr int kAvx2Mr = 4, kAvx2Nr = 16;
void intMicroAvx2(const IntTile& t);
void unpackInt4Avx2(const std::uint8_t* packed, std::size_t count, std::int8_t* out);

}  // namespace cachescope
