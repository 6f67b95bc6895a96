// The integer GEMM engine behind matmul.int8 and matmul.int4 (BLIS layering:
// a portable driver that packs and loops, plus one micro-kernel per ISA).
//
// C (fp32, m x n) = diag(sa) * (Aq * Bq) * diag(sb), where Aq (m x k) and Bq
// (k x n) hold symmetric quantized integers (quantize.hpp) with one scale per
// row of A (sa) and per column of B (sb). Integer dot products accumulate in
// int32, exactly; only the final scaling is floating point.
//
// Layouts (k is padded to kp, a multiple of 4, with zeros):
//   A source:  row-major int8, leading dimension kp; or int4, two values per
//              byte, row i at byte i * kp / 2.
//   A packed:  per micro-panel of mr rows, per group of 4 k: mr x 4 bytes
//              (AMX: mr rows of kc bytes each). Packed inside run(), block by
//              block (mc x kc), into a buffer allocated by prepare().
//   B packed:  per panel of nr columns, per group of 4 k: nr x 4 bytes
//              (column j's four k values together: what vpdpbusd and
//              pmaddubsw consume). Packed once by prepare(), as weights are
//              packed offline. int4: the same byte stream, two values per byte,
//              unpacked one kc x nr micro-panel at a time into a buffer.
//   C:         row-major fp32 (ldc). Between kc blocks a C tile holds its
//              int32 partial sums bit for bit; the last block turns them into
//              fp32. No separate int32 matrix is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <tbb/task_arena.h>

#include "kernels/share_out.hpp"
#include "platform/aligned_buffer.hpp"

namespace cachescope {

// One call of a micro-kernel: an mr x nr tile of C over one kc block.
struct IntTile {
  int kq = 0;                       // groups of 4 k in this block
  const std::uint8_t* a = nullptr;  // packed A micro-panel, kq x mr x 4
  const std::int8_t* b = nullptr;   // packed B micro-panel, kq x nr x 4
  float* c = nullptr;               // top-left of the C tile
  std::size_t ldc = 0;
  int rows = 0, cols = 0;                   // valid part of the tile
  bool first = false, last = false;         // first / last kc block
  const std::int32_t* colOffset = nullptr;  // subtracted once (first block), nr entries
  const float* rowScale = nullptr;          // rows entries, used by the last block
  const float* colScale = nullptr;          // nr entries (padded), used by the last block
};

using IntMicroKernel = void (*)(const IntTile&);
using Int4Unpack = void (*)(const std::uint8_t* packed, std::size_t count, std::int8_t* out);

// What one ISA path needs from the driver.
struct IntGemmIsa {
  const char* name = "scalar";
  int mr = 4, nr = 16;
  // vpdpbusd multiplies unsigned by signed bytes: A is packed as q + 128 and
  // 128 * colsum(Bq) is subtracted once per column (colOffset), exactly.
  bool unsignedA = false;
  IntMicroKernel kernel = nullptr;
  Int4Unpack unpack = nullptr;
  // AMX: A micro-panels packed row by row (mr rows of kc bytes, what a tile
  // load reads with stride kc) instead of per group of 4 k; k (and kc) padded
  // to a multiple of kAlign (a tile row holds 64 k); begin/end run once per
  // thread around its share of the work (load / release the tile config).
  bool rowMajorA = false;
  int kAlign = 4;
  // Twelfths of L1 the B micro-panel (kc x nr bytes) may take: sets kc.
  int l1TwelfthsB = 6;
  // Or up to a sixteenth of L2, where that is more (the VNNI path on a CPU
  // with half-rate zmm: int_gemm.cpp says why).
  bool bFromL2 = false;
  void (*begin)() = nullptr;
  void (*end)() = nullptr;
};

// The path for the active SIMD level (CACHESCOPE_SIMD lowers it): AMX tiles
// (amxActive), AVX-512 VNNI, AVX2, or the portable scalar micro-kernel.
IntGemmIsa selectIntGemmIsa();

// Shared by the micro-kernels for partial tiles: finishes a tile from its
// int32 accumulators (acc, row stride nr).
void intTileEpilogue(const IntTile& t, const std::int32_t* acc, int nr);

enum class IntStorage { Int8, Int4 };

// The prepared operands and buffers of one n x n integer GEMM.
class IntGemm {
 public:
  // aq: m x k, bq: k x n, both row-major int8 with leading dimensions k and n.
  // threads: how many threads run() uses (oneTBB; each has its own A block
  // and int4 B panel buffers).
  IntGemm(int m, int n, int k, const std::int8_t* aq, const std::int8_t* bq, std::vector<float> rowScale,
          std::vector<float> colScale, IntStorage storage, int threads = 1);

  // C = dequantized product. No allocation. One thread: kc blocks outer,
  // mc row blocks inside. More: bands of C rows (share_out.hpp) handed out
  // to `threads` threads, each band through all kc blocks; the integer sums
  // are exact, so the result is the same to the bit.
  void run(float* c, std::size_t ldc);

  const IntGemmIsa& isa() const { return isa_; }
  int kc() const { return kc_; }
  int mc() const { return mc_; }
  // Bytes held by the quantized operands and buffers.
  std::size_t bytes() const;

  // Upper bound on bytes for an n x n problem (for the memory check).
  static double extraBytes(int n, IntStorage storage, int threads = 1);

 private:
  void packA(int ic, int rows, int pc, int kcb, std::uint8_t* dst) const;
  // Rows [row0, row1) of C, all kc blocks, with thread slot `slot`'s buffers.
  void runRows(float* c, std::size_t ldc, int row0, int row1, int slot);

  IntGemmIsa isa_;  // first: kp_ depends on its k alignment
  int m_, n_, k_, kp_;
  IntStorage storage_;
  int kc_ = 0, mc_ = 0, panels_ = 0, threads_ = 1;
  AlignedBuffer<std::uint8_t> a_;                   // A source (int8 or int4 bytes)
  AlignedBuffer<std::uint8_t> b_;                   // packed B (int8 or int4 bytes)
  std::vector<AlignedBuffer<std::uint8_t>> aPack_;  // per thread slot: mc x kc packed A block
  std::vector<AlignedBuffer<std::int8_t>> bPanel_;  // per slot, int4: one unpacked kc x nr micro-panel
  std::vector<Band> bands_;                         // threads > 1: bands of C rows
  tbb::task_arena arena_;                           // when run() is called outside an arena of `threads`
  AlignedBuffer<std::int32_t> colOffset_;
  AlignedBuffer<float> rowScale_, colScale_;
};

}  // namespace cachescope
