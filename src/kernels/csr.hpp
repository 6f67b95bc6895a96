// Compressed sparse row storage and magnitude pruning, for matmul.sparse.
//
// Pruning rule (global magnitude threshold): of the rows * cols entries, keep
// the K = clamp(round(density * rows * cols), 1, rows * cols) with the largest
// |value|; ties in |value| are broken by position, earlier (row-major) first,
// so the result is deterministic. A density so small that it rounds to zero
// entries still keeps one (the largest). Kept entries that are exactly zero
// are not stored (they contribute nothing), so nnz <= K, and density 1 keeps
// every nonzero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cachescope {

struct Csr {
  int rows = 0;
  int cols = 0;
  std::vector<std::int32_t> rowPtr;  // rows + 1 entries; row i is [rowPtr[i], rowPtr[i+1])
  std::vector<std::int32_t> colIdx;  // ascending within a row
  std::vector<float> values;

  std::size_t nnz() const { return values.size(); }
  // Row-major rows x cols, zeros where nothing is stored.
  std::vector<float> toDense() const;
};

// How many entries the pruning rule keeps for this size and density.
// Throws std::invalid_argument unless 0 < density <= 1.
std::size_t prunedCount(std::size_t total, double density);

// Every nonzero of a row-major matrix (leading dimension ld).
Csr csrFromDense(const float* a, int rows, int cols, std::size_t ld);

// The matrix pruned by magnitude to `density` (rule above), as CSR.
Csr pruneToCsr(const float* a, int rows, int cols, std::size_t ld, double density);

}  // namespace cachescope
