// The traceable matmul loop nests: C = A * B, all n x n, row-major with
// leading dimensions (a padded leading dimension removes the conflict misses a
// power-of-two n causes). Written once over an access policy (access.hpp):
// `Direct` for the timed kernels, `Traced<Sink>` for the simulator and the
// animation. TIn is the element type of A and B, TOut of C, TSum of the
// accumulator (float for fp32; int8_t inputs accumulate in int32_t).
//
// Loads and stores each nest emits (what a trace contains):
//   naive (ijk):     per (i,j,k): load A[i][k], load B[k][j]; per (i,j): store C[i][j]
//   reordered (ikj): per (i,j): store C[i][j] = 0; per (i,k): load A[i][k];
//                    per (i,k,j): load B[k][j], load C[i][j], store C[i][j]
//   blocked:         per (i,j): store C[i][j] = 0; then bs x bs tiles visited ii, jj, kk; per tile
//                    triple: copy the B tile (load B[k][j], store T[k][j]); per i and group of
//                    four k: load A[i][k..k+3]; per j: load C[i][j], load T[k..k+3][j], store
//                    C[i][j] (k steps left over: one at a time, as ikj)
#pragma once

#include <algorithm>
#include <cstddef>

#include "kernels/access.hpp"

namespace cachescope {

template <class Acc, class TIn, class TOut, class TSum = TOut>
void matmulNaiveLoop(Acc& acc, int n, const TIn* A, std::size_t lda, const TIn* B, std::size_t ldb,
                     TOut* C, std::size_t ldc) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      TSum sum = 0;
      for (int k = 0; k < n; ++k) {
        acc.point(i, j, k);
        sum += TSum(acc.load(&A[i * lda + k])) * TSum(acc.load(&B[k * ldb + j]));
      }
      acc.store(&C[i * ldc + j], sum);
    }
  }
}

template <class Acc, class TIn, class TOut, class TSum = TOut>
void matmulReorderedLoop(Acc& acc, int n, const TIn* __restrict A, std::size_t lda,
                         const TIn* __restrict B, std::size_t ldb, TOut* __restrict C,
                         std::size_t ldc) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
    for (int k = 0; k < n; ++k) {
      const TSum a = TSum(acc.load(&A[i * lda + k]));
      for (int j = 0; j < n; ++j) {
        acc.point(i, j, k);
        acc.store(&C[i * ldc + j], TSum(acc.load(&C[i * ldc + j])) + a * TSum(acc.load(&B[k * ldb + j])));
      }
    }
  }
}

// `tile` is a caller-provided buffer of bs * bs elements (no allocation in
// the timed region). Each B tile is copied into it before use: at a
// power-of-two n the rows of a B tile lie exactly a multiple of the L1 "way
// size" apart (n = 1024: 4 KiB), so in place they all fall into the same few
// sets and evict each other; the contiguous copy maps them onto all sets
// (Lam, Rothberg and Wolf, 1991). The copy is part of the nest and is traced.
template <class Acc, class TIn, class TOut, class TSum = TOut>
void matmulBlockedLoop(Acc& acc, int n, int bs, const TIn* __restrict A, std::size_t lda,
                       const TIn* __restrict B, std::size_t ldb, TOut* __restrict C, std::size_t ldc,
                       TIn* __restrict tile) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  // Tiles of C are finished one at a time (ii, jj outer), so a C tile stays
  // resident while the kk loop streams one A tile and one B tile past it.
  for (int ii = 0; ii < n; ii += bs) {
    const int iEnd = std::min(ii + bs, n);
    for (int jj = 0; jj < n; jj += bs) {
      const int jEnd = std::min(jj + bs, n);
      const int w = jEnd - jj;
      for (int kk = 0; kk < n; kk += bs) {
        const int kEnd = std::min(kk + bs, n);
        for (int k = kk; k < kEnd; ++k)
          for (int j = 0; j < w; ++j) acc.store(&tile[std::size_t(k - kk) * bs + j], acc.load(&B[k * ldb + jj + j]));
        for (int i = ii; i < iEnd; ++i) {
          TOut* __restrict c = C + i * ldc + jj;
          int k = kk;
          // Four k steps per pass over the C row segment: each C element is
          // loaded and stored once per four multiply-adds instead of once per
          // one.
          for (; k + 4 <= kEnd; k += 4) {
            const TSum a0 = TSum(acc.load(&A[i * lda + k]));
            const TSum a1 = TSum(acc.load(&A[i * lda + k + 1]));
            const TSum a2 = TSum(acc.load(&A[i * lda + k + 2]));
            const TSum a3 = TSum(acc.load(&A[i * lda + k + 3]));
            const TIn* __restrict t = tile + std::size_t(k - kk) * bs;
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
            const TSum a = TSum(acc.load(&A[i * lda + k]));
            const TIn* __restrict t = tile + std::size_t(k - kk) * bs;
            for (int j = 0; j < w; ++j) {
              acc.point(i, jj + j, k);
              acc.store(&c[j], TSum(acc.load(&c[j])) + a * TSum(acc.load(&t[j])));
            }
          }
        }
      }
    }
  }
}

}  // namespace cachescope
