// The packed GEMM driver shared by matmul.packed and matmul.parallel: the
// BLIS / GotoBLAS layering.
//
//   for jc in steps of nc        B block kc x nc  -> lives in L3
//     for pc in steps of kc      pack B[pc.., jc..] into nr-column panels
//       for ic in steps of mc    pack A[ic.., pc..] into mr-row panels (L2)
//         for jr in steps of nr  one B micro-panel kc x nr (L1 or L2) ...
//           for ir in steps of mr  ... meets each A micro-panel (L1)
//             micro-kernel: an mr x nr tile of C held in registers
//
// The micro-kernel is the only ISA-specific part (one file per kernel, see
// gemm_ukernel_*.cpp); packing, blocking and edge handling are written once
// here. Block sizes are derived from the host's cache sizes, not hard-coded.
#pragma once

#include <cstddef>
#include <string>

#include "platform/host.hpp"

namespace cachescope {

// C[mr x nr] (row-major, leading dimension ldc floats) = or += the product of
// a packed A micro-panel (kc x mr, a[k*mr + i]) and a packed B micro-panel
// (kc x nr, b[k*nr + j]). B panels start 64-byte aligned whenever nr is a
// multiple of 16 (every SIMD kernel's is); A is read by scalar broadcasts and
// needs no alignment. `accumulate`
// false: C = AB (the first kc block overwrites whatever C held); true: C += AB.
using GemmMicroKernel = void (*)(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc,
                                 bool accumulate);

struct GemmBlocking {
  int mr = 1, nr = 1;  // register tile (fixed by the micro-kernel)
  int kc = 1;          // depth of one pass: two A micro-panels (mr x kc) fit in half of L1
  int mc = 1;          // rows of the packed A block: mc x kc fits in half of L2
  int nc = 1;          // columns of the packed B block: kc x nc fits in half of this core's L3 share
};

// The cache sizes the blocking is derived from (bytes). l3 is the share of one
// core (the L3 size divided by the CPUs sharing it).
struct GemmCaches {
  std::size_t l1 = 32 * 1024;
  std::size_t l2 = 1024 * 1024;
  std::size_t l3 = 8 * 1024 * 1024;
};

GemmCaches hostGemmCaches();

// Pure function of the register tile and the cache sizes, so tests can give
// any hierarchy. kc is a multiple of 8 in [16, 1024] (and small enough that
// a B micro-panel, kc x nr, takes at most a quarter of L2), mc a multiple of
// mr, nc a multiple of nr.
GemmBlocking deriveGemmBlocking(int mr, int nr, const GemmCaches& caches);

// The blocking for one m x k times k x n product: blocks no larger than the
// matrices (so small problems get small buffers), and kc / mc / nc evened
// out over the passes (k = 400 with kc = 336 becomes two passes of 200
// rather than 336 and 64).
GemmBlocking fitGemmBlocking(const GemmBlocking& b, int m, int n, int k);

struct GemmPlan {
  SimdLevel simd = SimdLevel::Scalar;
  GemmMicroKernel kernel = nullptr;
  GemmBlocking blocking;
  std::string kernelName;  // "avx512 6x64"
};

// The micro-kernel for a SIMD level (never above what the CPU has) with the
// blocking derived from `caches`.
GemmPlan makeGemmPlan(SimdLevel simd, const GemmCaches& caches);
// The plan for activeSimd() and the host's caches.
GemmPlan hostGemmPlan();

// Floats of packing buffer each piece needs (rounded up to whole panels).
std::size_t packedABlockFloats(const GemmBlocking& b);   // one mc x kc A block
std::size_t packedBBlockFloats(const GemmBlocking& b);   // one kc x nc B block
std::size_t edgeTileFloats(const GemmBlocking& b);       // one mr x nr scratch tile

// Packs rows [0, rows) x depth [0, depth) of A (row-major, lda) into
// ceil(rows/mr) panels of depth x mr, zero-padding missing rows.
void packA(const GemmBlocking& b, int rows, int depth, const float* a, std::ptrdiff_t lda, float* dst);

// Packs B micro-panels [panel0, panel1) of the depth x cols block at `b`
// (row-major, ldb): panel p covers columns [p*nr, p*nr + nr), zero-padded
// past `cols`. Panel p lands at dst + p * depth * nr, so several threads can
// pack disjoint panel ranges of one block.
void packBPanels(const GemmBlocking& b, int depth, int cols, const float* src, std::ptrdiff_t ldb, int panel0,
                 int panel1, float* dst);

inline int panelCount(int extent, int width) { return (extent + width - 1) / width; }

// C[rows x cols] (=|+=) packedA (rows x depth) * packedB (depth x cols) for
// one (mc, nc, kc) block: the jr/ir loops around the micro-kernel. Tiles cut
// by the matrix edge go through `edge` (mr x nr floats) and are copied back.
void macroKernel(const GemmPlan& plan, int rows, int cols, int depth, const float* packedA, const float* packedB,
                 float* c, std::ptrdiff_t ldc, bool accumulate, float* edge);

// Single-threaded C = A * B for an m x k times k x n product (row-major).
// `aBuf`, `bBuf`, `edge` hold packedABlockFloats, packedBBlockFloats and
// edgeTileFloats floats, 64-byte aligned; nothing is allocated here. Reads
// the cancel flag once per mc x kc x nc block (throws Cancelled).
void gemmPacked(const GemmPlan& plan, int m, int n, int k, const float* a, std::ptrdiff_t lda, const float* b,
                std::ptrdiff_t ldb, float* c, std::ptrdiff_t ldc, float* aBuf, float* bBuf, float* edge);

// matmul.packed's traced loop nest (matmul_packed.cpp) run with the plain
// policy: the portable 4 x 8 micro-kernel's blocking and order, C = A * B for
// n x n row-major inputs. For the test that the trace is that kernel's code.
void matmulPackedTracedNestDirect(int n, const float* a, const float* b, float* c);

// Micro-kernels, one file each (gemm_ukernel_*.cpp). The AVX ones may only be
// called on CPUs that have the instructions (makeGemmPlan checks).
void gemmUkernelRef4x8(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);
void gemmUkernel6x16Avx2(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);
void gemmUkernel6x64Avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);

}  // namespace cachescope
