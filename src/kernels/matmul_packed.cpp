// matmul.packed: the BLIS / GotoBLAS approach (driver in gemm_packed.cpp).
// Prepare picks the micro-kernel for activeSimd() and derives mc/kc/nc from
// the host's caches, then allocates the packing buffers once; run() packs B
// and A into them (packing is part of the operation, as in any BLAS) and
// calls the micro-kernel on every register tile.
#include <stdexcept>

#include <algorithm>

#include "kernels/gemm_packed.hpp"
#include "kernels/kernel.hpp"
#include "kernels/matmul_trace.hpp"

namespace cachescope {

namespace {

GemmPlan planFor(int n) {
  GemmPlan plan = hostGemmPlan();
  plan.blocking = fitGemmBlocking(plan.blocking, n, n, n);
  return plan;
}

class PackedPrepared final : public MatmulPrepared {
 public:
  PackedPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q),
        plan_(planFor(p.n)),
        aBuf_(packedABlockFloats(plan_.blocking)),
        bBuf_(packedBBlockFloats(plan_.blocking)),
        edge_(edgeTileFloats(plan_.blocking)) {}

  void run() override {
    gemmPacked(plan_, n_, n_, n_, problem_.a.data(), n_, problem_.b.data(), n_, c_.data(), n_, aBuf_.data(),
               bBuf_.data(), edge_.data());
  }
  std::string simdPath() const override { return toString(plan_.simd); }

 private:
  GemmPlan plan_;
  AlignedBuffer<float> aBuf_, bBuf_, edge_;
};

double packedExtraBytes(const Params& q) {
  GemmPlan plan = planFor(q.n);
  double floats = double(packedABlockFloats(plan.blocking)) + double(packedBBlockFloats(plan.blocking)) +
                  double(edgeTileFloats(plan.blocking));
  return matmulExtraBytes(q) + floats * sizeof(float);
}


// [SECTION] the traced loop nest
//
// gemmPacked's loops with the portable 4x8 micro-kernel, written over an
// access policy: the same blocking rule (kc, mc, nc from this host's caches
// for a 4 x 8 tile), the same packing order (packAPanelFixed's line-wise
// copy, zero padding) and the same tile loop as the timed kernel run with
// CACHESCOPE_SIMD=scalar, which a test checks bit for bit. The micro-kernel
// is traced as a register tile: per k step each of the 4 packed A values and
// 8 packed B values is loaded once (the compiled kernel keeps the 32 sums and
// the B row in registers).

enum Line { kLoopJc, kLoopPc, kPackB, kLoopIc, kPackA, kTiles, kMicro, kStoreC };
const std::vector<std::string> kCode = {
    "for (jc = 0; jc < n; jc += nc)",
    "  for (pc = 0; pc < n; pc += kc) {",
    "    Bp = pack(B[pc..+kc][jc..+nc]);   // nr-column panels",
    "    for (ic = 0; ic < n; ic += mc) {",
    "      Ap = pack(A[ic..+mc][pc..+kc]); // mr-row panels",
    "      for (jr, ir: mr x nr tiles of the block)",
    "        for (k = 0; k < kc; k++) acc += Ap[ir][k] * Bp[k][jr];",
    "        C[ir..][jr..] (+)= acc;        // through E at the edges",
};

constexpr int kMr = 4, kNr = 8;

GemmBlocking tracedBlocking(int n) {
  return fitGemmBlocking(deriveGemmBlocking(kMr, kNr, hostGemmCaches()), n, n, n);
}

template <class Acc>
void packedLoop(Acc& acc, const GemmBlocking& bl, int n, const float* a, std::size_t lda, const float* b,
                std::size_t ldb, float* c, std::size_t ldc, float* aBuf, float* bBuf, float* edge) {
  int outer = 0;
  for (int jc = 0; jc < n; jc += bl.nc) {
    const int nb = std::min(bl.nc, n - jc);
    for (int pc = 0; pc < n; pc += bl.kc) {
      const int kb = std::min(bl.kc, n - pc);
      acc.outer(outer++);
      acc.line(kPackB);
      for (int p = 0; p < panelCount(nb, kNr); ++p) {
        const int w = std::min(kNr, nb - p * kNr);
        float* out = bBuf + std::size_t(p) * kb * kNr;
        for (int k = 0; k < kb; ++k) {
          for (int j = 0; j < w; ++j)
            acc.store(&out[std::size_t(k) * kNr + j], acc.load(&b[(pc + k) * ldb + jc + p * kNr + j]));
          for (int j = w; j < kNr; ++j) acc.store(&out[std::size_t(k) * kNr + j], 0.0f);
        }
      }
      for (int ic = 0; ic < n; ic += bl.mc) {
        if (ic > 0) acc.outer(outer++);
        const int mb = std::min(bl.mc, n - ic);
        acc.line(kPackA);
        float* dst = aBuf;
        for (int i0 = 0; i0 < mb; i0 += kMr) {
          const int rows = std::min(kMr, mb - i0);
          const float* src = a + (ic + i0) * lda + pc;
          int k0 = 0;
          if (rows == kMr) {  // packAPanelFixed: a line of each row at a time
            for (; k0 + 16 <= kb; k0 += 16) {
              for (int i = 0; i < kMr; ++i)
                for (int k = 0; k < 16; ++k) acc.store(&dst[k * kMr + i], acc.load(&src[i * lda + k0 + k]));
              dst += 16 * kMr;
            }
          }
          for (int k = k0; k < kb; ++k) {  // packAPanelAny and the fixed version's tail
            for (int i = 0; i < rows; ++i) acc.store(&dst[i], acc.load(&src[i * lda + k]));
            for (int i = rows; i < kMr; ++i) acc.store(&dst[i], 0.0f);
            dst += kMr;
          }
        }
        const bool accumulate = pc > 0;
        for (int jr = 0; jr < nb; jr += kNr) {
          const int w = std::min(kNr, nb - jr);
          const float* bp = bBuf + std::size_t(jr / kNr) * kb * kNr;
          for (int ir = 0; ir < mb; ir += kMr) {
            const int h = std::min(kMr, mb - ir);
            const float* ap = aBuf + std::size_t(ir / kMr) * kb * kMr;
            float sum[kMr][kNr] = {};
            acc.line(kMicro);
            for (int k = 0; k < kb; ++k) {
              acc.point(ic + ir, jc + jr, pc + k);
              float bv[kNr];
              for (int j = 0; j < kNr; ++j) bv[j] = acc.load(&bp[std::size_t(k) * kNr + j]);
              for (int i = 0; i < kMr; ++i) {
                const float ai = acc.load(&ap[std::size_t(k) * kMr + i]);
                for (int j = 0; j < kNr; ++j) sum[i][j] += ai * bv[j];
              }
            }
            acc.line(kStoreC);
            float* ct = c + (ic + ir) * ldc + jc + jr;
            if (w == kNr && h == kMr) {
              for (int i = 0; i < kMr; ++i)
                for (int j = 0; j < kNr; ++j) {
                  float* e = &ct[i * ldc + j];
                  acc.store(e, accumulate ? acc.load(e) + sum[i][j] : sum[i][j]);
                }
              continue;
            }
            // Edge tile: the whole tile into E, then its valid part to C.
            for (int i = 0; i < kMr; ++i)
              for (int j = 0; j < kNr; ++j) acc.store(&edge[i * kNr + j], sum[i][j]);
            for (int i = 0; i < h; ++i)
              for (int j = 0; j < w; ++j) {
                float* e = &ct[i * ldc + j];
                const float v = acc.load(&edge[i * kNr + j]);
                acc.store(e, accumulate ? acc.load(e) + v : v);
              }
          }
        }
      }
    }
  }
}

// References of packedLoop, counted the way it runs (cheap: per block and
// tile, not per element).
std::uint64_t packedReferences(int n) {
  const GemmBlocking bl = tracedBlocking(n);
  std::uint64_t r = 0;
  for (int jc = 0; jc < n; jc += bl.nc) {
    const int nb = std::min(bl.nc, n - jc);
    for (int pc = 0; pc < n; pc += bl.kc) {
      const std::uint64_t kb = std::uint64_t(std::min(bl.kc, n - pc));
      for (int p = 0; p < panelCount(nb, kNr); ++p) {
        const std::uint64_t w = std::uint64_t(std::min(kNr, nb - p * kNr));
        r += kb * (2 * w + (kNr - w));
      }
      for (int ic = 0; ic < n; ic += bl.mc) {
        const int mb = std::min(bl.mc, n - ic);
        for (int i0 = 0; i0 < mb; i0 += kMr) {
          const std::uint64_t rows = std::uint64_t(std::min(kMr, mb - i0));
          const std::uint64_t fixed = rows == kMr ? kb / 16 * 16 : 0;
          r += fixed * kMr * 2 + (kb - fixed) * (2 * rows + (kMr - rows));
        }
        const bool accumulate = pc > 0;
        for (int jr = 0; jr < nb; jr += kNr)
          for (int ir = 0; ir < mb; ir += kMr) {
            const std::uint64_t w = std::uint64_t(std::min(kNr, nb - jr)), h = std::uint64_t(std::min(kMr, mb - ir));
            r += kb * (kNr + kMr);
            if (w == kNr && h == kMr)
              r += kMr * kNr * (accumulate ? 2 : 1);
            else
              r += kMr * kNr + h * w * (accumulate ? 3 : 2);
          }
      }
    }
  }
  return r;
}

int packedOuterCount(int n) {
  const GemmBlocking bl = tracedBlocking(n);
  return panelCount(n, bl.nc) * panelCount(n, bl.kc) * panelCount(n, bl.mc);
}

}  // namespace

// For tests: the traced nest run with the plain policy on caller buffers
// (the blocking of the trace for this n), to compare with gemmPacked.
void matmulPackedTracedNestDirect(int n, const float* a, const float* b, float* c) {
  const GemmBlocking bl = tracedBlocking(n);
  AlignedBuffer<float> aBuf(packedABlockFloats(bl)), bBuf(packedBBlockFloats(bl)), edge(edgeTileFloats(bl));
  Direct acc;
  packedLoop(acc, bl, n, a, std::size_t(n), b, std::size_t(n), c, std::size_t(n), aBuf.data(), bBuf.data(),
             edge.data());
}

Kernel makeMatmulPacked() {
  Kernel k;
  k.info.id = "matmul.packed";
  k.info.family = Family::Matmul;
  k.info.title = "Packed panels + register-blocked micro-kernel";
  k.info.teaches =
      "Copy a block of B (sized for L3) and of A (sized for L2) into contiguous panels, then let a "
      "tiny micro-kernel keep a whole C tile (6 x 64 with AVX-512) in vector registers while it "
      "streams the panels: every value loaded feeds many FMAs, so the core stays busy at nearly "
      "its peak. Block sizes come from this machine's cache sizes.";
  k.info.traceNote =
      "per (jc, pc): pack B into nr-column panels (load B, store Bp); per ic: pack A into mr-row panels "
      "(load A, store Ap); per 4 x 8 tile and k: load 8 of Bp, 4 of Ap; per tile: load (from pc > 0) and "
      "store C, through E at the matrix edges";
  k.prepare = [](const Problem& p, const Params& q) { return std::make_unique<PackedPrepared>(p, q); };
  k.work = matmulWork;
  k.footprint = fp32MatmulFootprint;
  k.extraBytes = packedExtraBytes;
  MatmulTraceInfo t;
  t.note = k.info.traceNote;
  t.caveat =
      "the loop nest of matmul.packed with the portable 4 x 8 micro-kernel and its blocking (as it runs with "
      "CACHESCOPE_SIMD=scalar); with AVX2 or AVX-512 the timed kernel uses a 6 x 16 or 6 x 64 tile, a deeper "
      "kc and wider panels, so it touches the same matrices in larger steps and a different order";
  t.code = kCode;
  t.bits = {32};
  t.references = [](const TraceShape& s) { return packedReferences(s.n); };
  t.outerCount = [](const TraceShape& s) { return packedOuterCount(s.n); };
  auto lines = [](std::size_t floats) { return int((floats + 63) / 64); };
  t.extras = {
      {"Ap", "Ap: packed A block (mc x kc)", [lines](const TraceShape& s) { return lines(packedABlockFloats(tracedBlocking(s.n))); },
       [](const TraceShape&) { return 64; }},
      {"Bp", "Bp: packed B block (kc x nc)", [lines](const TraceShape& s) { return lines(packedBBlockFloats(tracedBlocking(s.n))); },
       [](const TraceShape&) { return 64; }},
      {"E", "E: edge tile", [](const TraceShape&) { return kMr; }, [](const TraceShape&) { return kNr; }},
  };
  k.trace = matmulTrace(t, [](auto& acc, auto, const auto& m) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(*m.a)>, float>)
      packedLoop(acc, tracedBlocking(m.n), m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld, m.extra[0], m.extra[1], m.extra[2]);
  });
  return k;
}

}  // namespace cachescope
