#include "kernels/sparse_rows.hpp"

#include "platform/host.hpp"

namespace cachescope {

void sparseRowsScalar(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1, float*) {
  for (int i = row0; i < row1; ++i) {
    float* __restrict ci = c + i * ldc;
    for (int j = 0; j < n; ++j) ci[j] = 0.0f;
    for (std::int32_t p = a.rowPtr[i]; p < a.rowPtr[i + 1]; ++p) {
      const float aik = a.values[p];
      const float* __restrict bk = b + std::size_t(a.colIdx[p]) * ldb;
      for (int j = 0; j < n; ++j) ci[j] += aik * bk[j];  // an axpy: the compiler vectorises it
    }
  }
}

SparseRowsFn selectSparseRows() {
  switch (activeSimd()) {
    case SimdLevel::Avx512:
      return sparseRowsAvx512;
    case SimdLevel::Avx2:
      return sparseRowsAvx2;
    case SimdLevel::Scalar:
      break;
  }
  return sparseRowsScalar;
}

}  // namespace cachescope
