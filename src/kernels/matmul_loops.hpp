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
//   blocked:         as reordered, inside bs x bs tiles visited ii, jj, kk
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

template <class Acc, class TIn, class TOut, class TSum = TOut>
void matmulBlockedLoop(Acc& acc, int n, int bs, const TIn* __restrict A, std::size_t lda,
                       const TIn* __restrict B, std::size_t ldb, TOut* __restrict C, std::size_t ldc) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  // Tiles of C are finished one at a time (ii, jj outer), so a C tile stays
  // resident while the kk loop streams one A tile and one B tile past it.
  for (int ii = 0; ii < n; ii += bs) {
    const int iEnd = std::min(ii + bs, n);
    for (int jj = 0; jj < n; jj += bs) {
      const int jEnd = std::min(jj + bs, n);
      for (int kk = 0; kk < n; kk += bs) {
        const int kEnd = std::min(kk + bs, n);
        for (int i = ii; i < iEnd; ++i) {
          for (int k = kk; k < kEnd; ++k) {
            const TSum a = TSum(acc.load(&A[i * lda + k]));
            for (int j = jj; j < jEnd; ++j) {
              acc.point(i, j, k);
              acc.store(&C[i * ldc + j], TSum(acc.load(&C[i * ldc + j])) + a * TSum(acc.load(&B[k * ldb + j])));
            }
          }
        }
      }
    }
  }
}

}  // namespace cachescope
