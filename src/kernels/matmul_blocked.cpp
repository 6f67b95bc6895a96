// matmul.blocked: ikj inside bs x bs tiles. A C tile stays resident while A
// and B tiles stream past it; with three tiles fitting in L1 most loads hit.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include <tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "kernels/loop_nest_kernel.hpp"
#include "kernels/share_out.hpp"

namespace cachescope {

namespace {

enum Line { kZero, kTiles, kCopy, kLoopI, kLoopK, kLoadA, kLoopJ, kUpdate };
const std::vector<std::string> kCode = {
    "C = 0;",
    "for (ii, jj, kk: tiles of b x b) {",
    "  T = B[kk..kk+b][jj..jj+b];   // copy the tile",
    "  for (i = ii; i < ii + b; i++)",
    "    for (k = kk; k < kk + b; k += 4) {",
    "      a0..a3 = A[i][k..k+3];",
    "      for (j = 0; j < b; j++)",
    "        C[i][jj+j] += a0*T[k][j] + ... + a3*T[k+3][j];",
};

// One C tile (rows ii.., columns jj..) through all kk tiles: the body of
// the jj loop, also what a thread of the threaded run computes.
template <class TSum, class Acc, class TIn, class TOut>
[[gnu::always_inline]] inline void blockedTile(Acc& acc, int n, int bs, int ii, int jj, const TIn* __restrict A,
                                               std::size_t lda, const TIn* __restrict B, std::size_t ldb,
                                               TOut* __restrict C, std::size_t ldc, TIn* __restrict tile) {
  const int iEnd = std::min(ii + bs, n);
  const int jEnd = std::min(jj + bs, n);
  const int w = jEnd - jj;
  for (int kk = 0; kk < n; kk += bs) {
    const int kEnd = std::min(kk + bs, n);
    acc.line(kCopy);
    for (int k = kk; k < kEnd; ++k)
      for (int j = 0; j < w; ++j) acc.store(&tile[std::size_t(k - kk) * bs + j], acc.load(&B[k * ldb + jj + j]));
    for (int i = ii; i < iEnd; ++i) {
      TOut* __restrict c = C + i * ldc + jj;
      int k = kk;
      // Four k steps per pass over the C row segment: each C element is
      // loaded and stored once per four multiply-adds instead of once per
      // one.
      for (; k + 4 <= kEnd; k += 4) {
        acc.line(kLoadA);
        const TSum a0 = TSum(acc.load(&A[i * lda + k]));
        const TSum a1 = TSum(acc.load(&A[i * lda + k + 1]));
        const TSum a2 = TSum(acc.load(&A[i * lda + k + 2]));
        const TSum a3 = TSum(acc.load(&A[i * lda + k + 3]));
        const TIn* __restrict t = tile + std::size_t(k - kk) * bs;
        acc.line(kUpdate);
        for (int j = 0; j < w; ++j) {
          acc.point(i, jj + j, k);
          TSum v = TSum(acc.load(&c[j]));
          v += a0 * TSum(acc.load(&t[j]));
          v += a1 * TSum(acc.load(&t[bs + j]));
          v += a2 * TSum(acc.load(&t[2 * bs + j]));
          v += a3 * TSum(acc.load(&t[3 * bs + j]));
          acc.store(&c[j], v);
        }
      }
      for (; k < kEnd; ++k) {
        acc.line(kLoadA);
        const TSum a = TSum(acc.load(&A[i * lda + k]));
        const TIn* __restrict t = tile + std::size_t(k - kk) * bs;
        acc.line(kUpdate);
        for (int j = 0; j < w; ++j) {
          acc.point(i, jj + j, k);
          acc.store(&c[j], TSum(acc.load(&c[j])) + a * TSum(acc.load(&t[j])));
        }
      }
      acc.poll(w * (kEnd - kk));  // a cancellation point (access.hpp)
    }
  }
}

// `tile` is a caller-provided buffer of bs * bs elements (no allocation in
// the timed region). Each B tile is copied into it before use: at a
// power-of-two n the rows of a B tile lie exactly a multiple of the L1 "way
// size" apart (n = 1024: 4 KiB), so in place they all fall into the same few
// sets and evict each other; the contiguous copy maps them onto all sets
// (Lam, Rothberg and Wolf, 1991). The copy is part of the nest and is traced.
//
// Per (i,j): store C = 0; then tiles ii, jj, kk; per tile triple: copy the B
// tile (load B[k][j], store T[k][j]); per i and group of four k: load
// A[i][k..k+3]; per j: load C[i][j], load T[k..k+3][j], store C[i][j] (k
// steps left over: one at a time, as ikj).
template <class TSum, class Acc, class TIn, class TOut>
void blockedLoop(Acc& acc, int n, int bs, const TIn* __restrict A, std::size_t lda, const TIn* __restrict B,
                 std::size_t ldb, TOut* __restrict C, std::size_t ldc, TIn* __restrict tile) {
  acc.line(kZero);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  // Tiles of C are finished one at a time (ii, jj outer), so a C tile stays
  // resident while the kk loop streams one A tile and one B tile past it.
  for (int ii = 0; ii < n; ii += bs) {
    acc.outer(ii / bs);
    for (int jj = 0; jj < n; jj += bs) {
      blockedTile<TSum>(acc, n, bs, ii, jj, A, lda, B, ldb, C, ldc, tile);
    }
  }
}

int tileEdge(const TraceShape& s) { return std::max(1, std::min(s.block, s.n)); }

// [SECTION] threads > 1: the same tiles, shared out
//
// Each C tile (ii, jj) is one piece of work for shareOut (share_out.hpp):
// the thread that takes it zeroes it and runs blockedTile with its own tile
// copy buffer. Tiles are disjoint and each sees the kk tiles in the same
// order as the one-thread nest: the same result to the bit. One thread runs
// the loop nest itself (loopNestKernel), the code the trace follows.
class BlockedThreadedPrepared final : public MatmulPrepared {
 public:
  BlockedThreadedPrepared(const Problem& p, const Params& q)
      : MatmulPrepared(p, q), threads_(q.threads), bs_(std::max(1, std::min(q.block, std::max(p.n, 1)))), arena_(q.threads) {
    if (q.block < 1) throw std::invalid_argument("block must be >= 1");
    for (int t = 0; t < threads_; ++t) tiles_.emplace_back(std::size_t(bs_) * std::size_t(bs_));
  }
  void run() override {
    inArenaOf(threads_, arena_, [this] {
      const int n = n_, bs = bs_, per = (n + bs - 1) / bs;
      const std::size_t ld = std::size_t(n);
      const float* a = problem_.a.data();
      const float* b = problem_.b.data();
      float* c = c_.data();
      shareOut(threads_, per * per, [&](int piece, int slot) {
        const int ii = piece / per * bs, jj = piece % per * bs;
        const int iEnd = std::min(ii + bs, n), jEnd = std::min(jj + bs, n);
        for (int i = ii; i < iEnd; ++i) std::fill(c + i * ld + jj, c + i * ld + jEnd, 0.0f);
        Direct acc;
        blockedTile<float>(acc, n, bs, ii, jj, a, ld, b, ld, c, ld, tiles_[std::size_t(slot)].data());
      });
    });
  }

 private:
  int threads_, bs_;
  tbb::task_arena arena_;
  std::vector<AlignedBuffer<float>> tiles_;  // per thread slot: the B tile copy
};

}  // namespace

Kernel makeMatmulBlocked() {
  KernelInfo info;
  info.id = "matmul.blocked";
  info.title = "Cache blocking (tiled)";
  info.teaches =
      "Work on bs x bs tiles so the data being reused stays in cache: a tile of 64 x 64 floats is "
      "16 KiB. Each B tile is first copied into a contiguous buffer: in place, at n = 1024 its rows "
      "are 4 KiB apart and would all compete for the same few L1 sets (conflict misses). With "
      "threads > 1 the C tiles are shared out to that many cores (oneTBB), each with its own tile copy.";
  info.uses = {Param::Block};
  info.traceNote =
      "per (i,j): store C=0; tiles ii,jj,kk: copy the B tile (load B, store T); per i and 4 k: load "
      "A[i][k..k+3]; per j: load C[i][j], load T[k..k+3][j], store C[i][j]";
  MatmulTraceInfo t;
  t.code = kCode;
  t.usesBlock = true;
  t.references = [](const TraceShape& s) {
    // Zeroing C; per (ii, jj, kk) a copy of the B tile (load + store);
    // A: one load per (i, k) per jj tile; per (i, j) and group of four k:
    // load C, four loads of the tile, store C (6); leftover k: 3 each.
    const std::uint64_t n = std::uint64_t(s.n), bs = std::uint64_t(tileEdge(s));
    const std::uint64_t tiles = (n + bs - 1) / bs;
    std::uint64_t perRowAndColumn = 0;
    for (std::uint64_t kk = 0; kk < n; kk += bs) {
      const std::uint64_t kb = std::min(bs, n - kk);
      perRowAndColumn += 6 * (kb / 4) + 3 * (kb % 4);
    }
    return n * n + 2 * tiles * n * n + tiles * n * n + n * n * perRowAndColumn;
  };
  t.outerCount = [](const TraceShape& s) { return (s.n + tileEdge(s) - 1) / tileEdge(s); };
  // The tile copy lives outside the timed region (no allocation in run()).
  t.extras = {{"T", "T: the B tile copy", tileEdge, tileEdge}};
  Kernel k = loopNestKernel(info, t, [](auto& acc, auto sum, const auto& m) {
    blockedLoop<decltype(sum)>(acc, m.n, m.block, m.a, m.ld, m.b, m.ld, m.c, m.ld, m.extra[0]);
  });
  // [SECTION] threads: more than one runs the tiles shared out
  k.info.uses.push_back(Param::Threads);
  auto nest = k.prepare;
  k.prepare = [nest](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (q.threads < 1) throw std::invalid_argument("threads must be >= 1");
    if (q.threads == 1) return nest(p, q);
    return std::make_unique<BlockedThreadedPrepared>(p, q);
  };
  auto extra = k.extraBytes;
  k.extraBytes = [extra](const Params& q) {
    const double bs = std::max(1, std::min(q.block, std::max(q.n, 1)));
    return extra(q) + double(std::max(0, q.threads - 1)) * bs * bs * sizeof(float);
  };
  return k;
}

}  // namespace cachescope
