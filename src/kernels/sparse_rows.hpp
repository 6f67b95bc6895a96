// C = A * B with A in CSR (csr.hpp) and B dense, row by row: row i of C is
// the sum over the stored a_ik of a_ik * (row k of B). One file per ISA; the
// SIMD ones keep a strip of C's row in registers while the row's nonzeros
// stream past, so C is written once and B is read in contiguous rows.
#pragma once

#include <cstddef>

#include "kernels/csr.hpp"

namespace cachescope {

// Rows [row0, row1) of C (n columns, leading dimensions ldb, ldc). `strip`:
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

// The one for the active SIMD level.
SparseRowsFn selectSparseRows();

}  // namespace cachescope
