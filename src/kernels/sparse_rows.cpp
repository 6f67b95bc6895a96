#include "kernels/sparse_rows.hpp"

#include "platform/host.hpp"

namespace cachescope {

void sparseRowsScalar(const Csr& a, const float* b, std::size_t ldb, float* c, std::size_t ldc, int n, int row0,
                      int row1, float*) {
  Direct acc;
  sparseRowsLoop(acc, a.rowPtr.data(), a.colIdx.data(), a.values.data(), b, ldb, c, ldc, n, row0, row1);
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
