// bf16 GEMM: C (m x n, fp32) = A (m x k) times B (k x n), both rounded to
// bfloat16 (round to nearest even: 8 significant bits, an fp32 with its low
// 16 bits cut), products summed in fp32: by AMX tiles (tdpbf16ps) where the
// CPU has AMX-BF16, else by AVX512-BF16 dot products (vdpbf16ps).
//
// Layouts (k padded to kp, a multiple of 32, with zeros; n to whole panels):
//   A source:  row-major bf16, leading dimension kp. Copied row by row into
//              a per-thread block (mr rows of kc values per micro-panel, what
//              a tile load reads with stride kc) inside run().
//   B packed:  per panel of 32 columns, per pair of k: 32 columns x 2 values
//              (column j's k and k + 1 together: a tdpbf16ps B tile row, and
//              two vdpbf16ps operands of 16 columns each). Packed once by the
//              constructor, as weights are.
//   C:         fp32, row-major, ldc; full 32 x 32 tiles are computed in
//              place, edge tiles through a scratch tile.
//
// Loops: per thread share (bands of rows, shrinkingBands / shareOut), kc
// blocks outer, then mc blocks of rows (A block packed), then B panels, then
// 32-row micro-panels. kc: a B micro-panel (kc x 32 bf16) takes two thirds of
// L1 (at most a sixteenth of L2 with AVX512-BF16 on half-rate zmm; equal
// blocks; why: bf16_gemm.cpp); mc: the A block (mc x kc bf16) half of L2.
//
// Needs one of the two engines (bf16Engine()); matmul.bf16 runs the fp32
// kernel on the rounded values elsewhere.
#pragma once

#include <tbb/task_arena.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/share_out.hpp"
#include "platform/aligned_buffer.hpp"

namespace cachescope {

// Round to nearest even (NaN stays a NaN); and back, exactly.
inline std::uint16_t toBf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return std::uint16_t((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return std::uint16_t(u >> 16);
}
inline float fromBf16(std::uint16_t h) {
  const std::uint32_t u = std::uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline float roundToBf16(float f) { return fromBf16(toBf16(f)); }

// The CPU has AMX-BF16 and AMX is on (amxActive(): CACHESCOPE_SIMD unset or
// "amx", Linux granted the tile state).
bool bf16AmxActive();

// Which bf16 engine runs here: AMX tiles (bf16AmxActive()), else AVX512-BF16
// (the CPU has it and activeSimd() is AVX-512: CACHESCOPE_SIMD=avx512 picks
// it on an AMX CPU), else none.
enum class Bf16Engine { None, Avx512Bf16, Amx };
Bf16Engine bf16Engine();
// The simd_path name of an engine: "amx-bf16", "avx512-bf16", "none".
const char* bf16EngineName(Bf16Engine e);

// One 32 x 32 tile for the micro-kernel (bf16_gemm_amx.cpp).
struct Bf16Tile {
  const std::uint16_t* a = nullptr;  // packed A micro-panel: 32 rows of kc values
  const std::uint16_t* b = nullptr;  // packed B micro-panel at this kc block
  float* c = nullptr;                // C at the tile's first element
  std::size_t ldc = 0;               // floats
  int rows = 0, cols = 0;            // valid part of the tile (edges: fewer)
  int kc = 0;                        // depth of this block, a multiple of 32
  bool first = false;                // first kc block: C = AB, else C += AB
};

inline constexpr int kBf16Mr = 32, kBf16Nr = 32, kBf16K = 32;

// body(c, ldc, first) computes a whole 32 x 32 tile at c: the tile's own C
// when it is whole, else a scratch tile holding C's valid part (zeros around
// it), copied back after. Rows of A and columns of B past the edge are zeros
// in the packed panels, so the extra sums are zeros too.
template <class Body>
void onWholeTile(const Bf16Tile& t, Body body) {
  if (t.rows == kBf16Mr && t.cols == kBf16Nr) {
    body(t.c, t.ldc);
    return;
  }
  alignas(64) float scratch[kBf16Mr * kBf16Nr];
  if (!t.first) {
    std::memset(scratch, 0, sizeof scratch);
    for (int r = 0; r < t.rows; ++r) std::memcpy(scratch + r * kBf16Nr, t.c + r * t.ldc, std::size_t(t.cols) * 4);
  }
  body(scratch, std::size_t(kBf16Nr));
  for (int r = 0; r < t.rows; ++r) std::memcpy(t.c + r * t.ldc, scratch + r * kBf16Nr, std::size_t(t.cols) * 4);
}

// The micro-kernels: one 32 x 32 tile (bf16_gemm_amx.cpp,
// bf16_gemm_avx512bf16.cpp).
void bf16MicroAmx(const Bf16Tile& t);
void bf16MicroAvx512(const Bf16Tile& t);

class Bf16Gemm {
 public:
  // a: m x k row-major, b: k x n row-major (fp32, rounded here); threads >= 1.
  // Runs on bf16Engine(); throws where that is None.
  Bf16Gemm(int m, int n, int k, const float* a, const float* b, int threads);
  // C = the product; no allocation. Inside an arena of `threads` (or its own).
  void run(float* c, std::size_t ldc);
  int kc() const { return kc_; }
  Bf16Engine engine() const { return engine_; }
  int mc() const { return mc_; }
  // Peak bytes the constructor allocates for an n x n x n product.
  static double extraBytes(int n, int threads);

 private:
  void runRows(float* c, std::size_t ldc, int row0, int row1, int slot);

  Bf16Engine engine_;
  int m_, n_, k_, kp_, panels_, threads_;
  int kc_ = 0, mc_ = 0;
  AlignedBuffer<std::uint16_t> a_, b_;
  std::vector<AlignedBuffer<std::uint16_t>> aPack_;  // one per thread slot
  std::vector<Band> bands_;
  tbb::task_arena arena_;
};

}  // namespace cachescope
