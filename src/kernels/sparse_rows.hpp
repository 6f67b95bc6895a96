// C = A * B with A in CSR (csr.hpp) and B dense, row by row: row i of C is
// the sum over the stored a_ik of a_ik * (row k of B). One file per ISA; the
// SIMD ones keep a strip of C's row in registers while the row's nonzeros
// stream past, so C is written once and B is read in contiguous rows.
#pragma once

#include <cstddef>

#include "kernels/access.hpp"
#include "kernels/csr.hpp"

namespace cachescope {

// Rows [row0, row1) of C, n columns (leading dimensions ldb, ldc): pass
// b + j0 and c + j0 for the block of columns from j0. `strip`:
// a 64-byte aligned buffer of kSparseStripFloats * a.cols floats for a copy
// of one strip of B (the scalar version does not use it).
inline constexpr int kSparseStripFloats = 64;
using SparseRowsFn = void (*)(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                              int row1, float* strip);

void sparseRowsScalar(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1, float* strip);
void sparseRowsAvx2(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0, int row1,
                    float* strip);
void sparseRowsAvx512(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1, float* strip);

// The portable row loop over an access policy: sparseRowsScalar is it with
// Direct, matmul.sparse's trace with Traced<TraceSink>. `line` marks index
// kSparseCode (matmul_sparse.cpp). Per row i: store C[i][*] = 0, load
// rowPtr[i] and rowPtr[i+1]; per stored a_ik: load values[p], colIdx[p]; per
// j: load B[k][j], load C[i][j], store C[i][j].
enum SparseLine { kSparseLoopI, kSparseZero, kSparseLoopP, kSparseLoadA, kSparseLoopJ, kSparseUpdate };
template <class Acc>
void sparseRowsLoop(Acc& acc, const std::int32_t* rowPtr, const std::int32_t* colIdx, const float* values,
                    const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0, int row1) {
  for (int i = row0; i < row1; ++i) {
    acc.outer(i - row0);
    float* __restrict ci = c + i * ldc;
    acc.line(kSparseZero);
    for (int j = 0; j < n; ++j) acc.store(&ci[j], 0.0f);
    acc.line(kSparseLoopP);
    const std::int32_t p0 = acc.load(&rowPtr[i]), p1 = acc.load(&rowPtr[i + 1]);
    for (std::int32_t p = p0; p < p1; ++p) {
      acc.line(kSparseLoadA);
      const float aik = acc.load(&values[p]);
      const std::int32_t k = acc.load(&colIdx[p]);
      const float* __restrict bk = b + std::size_t(k) * ldb;
      acc.line(kSparseUpdate);
      for (int j = 0; j < n; ++j) {
        acc.point(i, j, k);
        acc.store(&ci[j], acc.load(&ci[j]) + aik * acc.load(&bk[j]));  // an axpy: the compiler vectorises it
      }
    }
    acc.poll(std::int64_t(n) * (p1 - p0 + 1));  // a cancellation point (access.hpp)
  }
}

// The one for the active SIMD level.
SparseRowsFn selectSparseRows();

}  // namespace cachescope
