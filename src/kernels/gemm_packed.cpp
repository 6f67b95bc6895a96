#include "kernels/gemm_packed.hpp"

#include <algorithm>
#include <cstring>

#include "platform/cancel.hpp"

namespace cachescope {

namespace {

constexpr int kKcStep = 8;  // kc stays a multiple of 8: whole 32-byte rows of packed A for every mr
constexpr int kKcMin = 16, kKcMax = 1024;

int roundDown(int v, int step) { return v / step * step; }
int roundUp(int v, int step) { return (v + step - 1) / step * step; }

std::size_t cacheBytes(int level, std::size_t fallback) {
  const CacheInfo* c = host().cache(level);
  if (!c || c->sizeBytes == 0) return fallback;
  // A shared cache gives each core its share: two cores streaming their own
  // A blocks through one L3 must not each plan for all of it.
  return c->sizeBytes / std::size_t(std::max(1, c->sharedByCpus));
}

}  // namespace

GemmCaches hostGemmCaches() {
  GemmCaches d;
  return {cacheBytes(1, d.l1), cacheBytes(2, d.l2), cacheBytes(3, d.l3)};
}

GemmBlocking deriveGemmBlocking(int mr, int nr, const GemmCaches& caches) {
  GemmBlocking b;
  b.mr = std::max(1, mr);
  b.nr = std::max(1, nr);
  // L1: each micro-kernel call walks one A micro-panel (mr x kc) while the
  // next one is coming in; both take at most half of L1, leaving the rest to
  // the B row and C lines passing through. The B micro-panel (kc x nr) is
  // reused by every A micro-panel of the block; it need only stay in L2
  // (a quarter of it), whose bandwidth easily feeds one B row per k step.
  // A deeper kc means fewer passes over C (each pass loads and stores the
  // whole C tile), which is why kc is not simply sized for B to sit in L1.
  long kcA = long(caches.l1 / 2) / (2L * b.mr * long(sizeof(float)));
  long kcB = long(caches.l2 / 4) / (long(b.nr) * long(sizeof(float)));
  long kc = std::min({kcA, kcB, long(kKcMax)});
  b.kc = std::clamp(roundDown(int(kc), kKcStep), kKcMin, kKcMax);
  // L2: the packed A block (mc x kc) is read once per B micro-panel; half of
  // L2 leaves room for the B panels and C tiles passing through.
  long mc = long(caches.l2 / 2) / (long(b.kc) * long(sizeof(float)));
  b.mc = std::max(b.mr, roundDown(int(std::min<long>(mc, 1 << 20)), b.mr));
  // L3: the packed B block (kc x nc) is reused by every A block.
  long nc = long(caches.l3 / 2) / (long(b.kc) * long(sizeof(float)));
  b.nc = std::max(b.nr, roundDown(int(std::min<long>(nc, 1 << 20)), b.nr));
  return b;
}

GemmBlocking fitGemmBlocking(const GemmBlocking& in, int m, int n, int k) {
  GemmBlocking b = in;
  m = std::max(1, m);
  n = std::max(1, n);
  k = std::max(1, k);
  int kPasses = (k + b.kc - 1) / b.kc;
  b.kc = std::min(b.kc, roundUp((k + kPasses - 1) / kPasses, kKcStep));
  int nPasses = (n + b.nc - 1) / b.nc;
  b.nc = std::min(b.nc, roundUp((n + nPasses - 1) / nPasses, b.nr));
  int mPasses = (m + b.mc - 1) / b.mc;
  b.mc = std::min(b.mc, roundUp((m + mPasses - 1) / mPasses, b.mr));
  return b;
}

GemmPlan makeGemmPlan(SimdLevel simd, const GemmCaches& caches) {
  if (static_cast<int>(simd) > static_cast<int>(host().simd)) simd = host().simd;
  GemmPlan plan;
  plan.simd = simd;
  switch (simd) {
    case SimdLevel::Avx512:
      plan.kernel = gemmUkernel6x64Avx512;
      plan.blocking = deriveGemmBlocking(6, 64, caches);
      plan.kernelName = "avx512 6x64";
      break;
    case SimdLevel::Avx2:
      plan.kernel = gemmUkernel6x16Avx2;
      plan.blocking = deriveGemmBlocking(6, 16, caches);
      plan.kernelName = "avx2 6x16";
      break;
    case SimdLevel::Scalar:
      plan.kernel = gemmUkernelRef4x8;
      plan.blocking = deriveGemmBlocking(4, 8, caches);
      plan.kernelName = "portable 4x8";
      break;
  }
  return plan;
}

GemmPlan hostGemmPlan() { return makeGemmPlan(activeSimd(), hostGemmCaches()); }

std::size_t packedABlockFloats(const GemmBlocking& b) {
  return std::size_t(roundUp(b.mc, b.mr)) * std::size_t(b.kc);
}
std::size_t packedBBlockFloats(const GemmBlocking& b) {
  return std::size_t(roundUp(b.nc, b.nr)) * std::size_t(b.kc);
}
std::size_t edgeTileFloats(const GemmBlocking& b) { return std::size_t(b.mr) * std::size_t(b.nr); }

namespace {

// One mr-row panel: a column of A (mr values, one per row) becomes a
// contiguous run, so the micro-kernel broadcasts consecutive floats. MR is a
// compile-time constant for the register tiles in use so the copy loops
// unroll. k goes in steps of one cache line: when lda is a multiple of 4 KiB
// the mr rows fall into one L1 set, and reading one float per row per step
// would evict each line before its next float is used; a whole line per row
// per step reads each line once.
template <int MR>
void packAPanelFixed(int depth, const float* a, std::ptrdiff_t lda, float* dst) {
  constexpr int kLine = 16;  // floats per 64-byte line
  int k0 = 0;
  for (; k0 + kLine <= depth; k0 += kLine) {
    for (int i = 0; i < MR; ++i) {
      const float* src = a + i * lda + k0;
#pragma GCC unroll 16
      for (int k = 0; k < kLine; ++k) dst[k * MR + i] = src[k];
    }
    dst += kLine * MR;
  }
  for (int k = k0; k < depth; ++k) {
    for (int i = 0; i < MR; ++i) dst[i] = a[i * lda + k];
    dst += MR;
  }
}

void packAPanelAny(int mr, int rows, int depth, const float* a, std::ptrdiff_t lda, float* dst) {
  for (int k = 0; k < depth; ++k) {
    for (int i = 0; i < rows; ++i) dst[i] = a[i * lda + k];
    for (int i = rows; i < mr; ++i) dst[i] = 0.0f;
    dst += mr;
  }
}

}  // namespace

void packA(const GemmBlocking& b, int rows, int depth, const float* a, std::ptrdiff_t lda, float* dst) {
  for (int i0 = 0; i0 < rows; i0 += b.mr) {
    int r = std::min(b.mr, rows - i0);
    const float* src = a + i0 * lda;
    if (r == b.mr && b.mr == 6) packAPanelFixed<6>(depth, src, lda, dst);
    else if (r == b.mr && b.mr == 4) packAPanelFixed<4>(depth, src, lda, dst);
    else packAPanelAny(b.mr, r, depth, src, lda, dst);
    dst += std::ptrdiff_t(depth) * b.mr;
  }
}

void packBPanels(const GemmBlocking& b, int depth, int cols, const float* src, std::ptrdiff_t ldb, int panel0,
                 int panel1, float* dst) {
  const int nr = b.nr;
  for (int p = panel0; p < panel1; ++p) {
    int j0 = p * nr;
    int w = std::min(nr, cols - j0);
    float* out = dst + std::ptrdiff_t(p) * depth * nr;
    const float* in = src + j0;
    if (w == nr) {
      // A row segment of B is already contiguous: the panel is depth copies
      // of nr floats, which the compiler turns into vector moves.
      for (int k = 0; k < depth; ++k) std::memcpy(out + std::ptrdiff_t(k) * nr, in + k * ldb, sizeof(float) * nr);
    } else {
      for (int k = 0; k < depth; ++k) {
        float* o = out + std::ptrdiff_t(k) * nr;
        std::memcpy(o, in + k * ldb, sizeof(float) * w);
        std::fill(o + w, o + nr, 0.0f);
      }
    }
  }
}

void macroKernel(const GemmPlan& plan, int rows, int cols, int depth, const float* packedA, const float* packedB,
                 float* c, std::ptrdiff_t ldc, bool accumulate, float* edge) {
  const int mr = plan.blocking.mr, nr = plan.blocking.nr;
  for (int jr = 0; jr < cols; jr += nr) {
    const int w = std::min(nr, cols - jr);
    const float* bp = packedB + std::ptrdiff_t(jr / nr) * depth * nr;
    for (int ir = 0; ir < rows; ir += mr) {
      const int h = std::min(mr, rows - ir);
      const float* ap = packedA + std::ptrdiff_t(ir / mr) * depth * mr;
      float* ct = c + ir * ldc + jr;
      if (w == nr && h == mr) {
        plan.kernel(depth, ap, bp, ct, ldc, accumulate);
        continue;
      }
      // The packed panels are zero-padded, so the full tile is computed into
      // scratch and only its valid part is written: one micro-kernel serves
      // every shape.
      plan.kernel(depth, ap, bp, edge, nr, false);
      for (int i = 0; i < h; ++i) {
        float* crow = ct + i * ldc;
        const float* erow = edge + i * nr;
        if (accumulate)
          for (int j = 0; j < w; ++j) crow[j] += erow[j];
        else
          for (int j = 0; j < w; ++j) crow[j] = erow[j];
      }
    }
  }
}

void gemmPacked(const GemmPlan& plan, int m, int n, int k, const float* a, std::ptrdiff_t lda, const float* b,
                std::ptrdiff_t ldb, float* c, std::ptrdiff_t ldc, float* aBuf, float* bBuf, float* edge) {
  const GemmBlocking& bl = plan.blocking;
  for (int jc = 0; jc < n; jc += bl.nc) {
    const int nb = std::min(bl.nc, n - jc);
    for (int pc = 0; pc < k; pc += bl.kc) {
      const int kb = std::min(bl.kc, k - pc);
      packBPanels(bl, kb, nb, b + pc * ldb + jc, ldb, 0, panelCount(nb, bl.nr), bBuf);
      for (int ic = 0; ic < m; ic += bl.mc) {
        // A cancellation point per mc x kc x nc block (a few ms at most).
        throwIfCancelled();
        const int mb = std::min(bl.mc, m - ic);
        packA(bl, mb, kb, a + ic * lda + pc, lda, aBuf);
        macroKernel(plan, mb, nb, kb, aBuf, bBuf, c + ic * ldc + jc, ldc, pc > 0, edge);
      }
    }
  }
}

}  // namespace cachescope
