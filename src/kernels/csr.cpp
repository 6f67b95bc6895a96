#include "kernels/csr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace cachescope {

std::vector<float> Csr::toDense() const {
  std::vector<float> d(std::size_t(rows) * cols, 0.0f);
  for (int i = 0; i < rows; ++i)
    for (std::int32_t p = rowPtr[i]; p < rowPtr[i + 1]; ++p) d[std::size_t(i) * cols + colIdx[p]] = values[p];
  return d;
}

std::size_t prunedCount(std::size_t total, double density) {
  if (!(density > 0.0 && density <= 1.0)) throw std::invalid_argument("density must be in (0, 1]");
  if (total == 0) return 0;
  double want = std::round(density * double(total));
  return std::clamp<std::size_t>(std::size_t(want), 1, total);
}

namespace {
// Builds CSR from a keep-mask over row-major entries.
template <class Keep>
Csr build(const float* a, int rows, int cols, std::size_t ld, Keep keep) {
  if (rows < 0 || cols < 0) throw std::invalid_argument("negative matrix size");
  if (std::size_t(rows) * cols > std::size_t(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("matrix too large for 32-bit CSR indices");
  Csr c;
  c.rows = rows;
  c.cols = cols;
  c.rowPtr.assign(std::size_t(rows) + 1, 0);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      float v = a[i * ld + j];
      if (v != 0.0f && keep(std::size_t(i) * cols + j)) {
        c.colIdx.push_back(j);
        c.values.push_back(v);
      }
    }
    c.rowPtr[i + 1] = std::int32_t(c.values.size());
  }
  return c;
}
}  // namespace

Csr csrFromDense(const float* a, int rows, int cols, std::size_t ld) {
  return build(a, rows, cols, ld, [](std::size_t) { return true; });
}

Csr pruneToCsr(const float* a, int rows, int cols, std::size_t ld, double density) {
  if (std::size_t(std::max(rows, 0)) * std::size_t(std::max(cols, 0)) >
      std::size_t(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("matrix too large for 32-bit CSR indices");
  const std::size_t total = std::size_t(std::max(rows, 0)) * std::size_t(std::max(cols, 0));
  const std::size_t keepCount = prunedCount(total, density);
  if (keepCount == total) return csrFromDense(a, rows, cols, ld);
  auto mag = [&](std::size_t idx) { return std::fabs(a[(idx / cols) * ld + idx % cols]); };
  // Strict total order: larger magnitude first, then earlier position.
  std::vector<std::uint32_t> order(total);
  std::iota(order.begin(), order.end(), 0u);
  auto before = [&](std::uint32_t x, std::uint32_t y) {
    float mx = mag(x), my = mag(y);
    return mx != my ? mx > my : x < y;
  };
  std::nth_element(order.begin(), order.begin() + std::ptrdiff_t(keepCount), order.end(), before);
  std::vector<bool> kept(total, false);
  for (std::size_t i = 0; i < keepCount; ++i) kept[order[i]] = true;
  return build(a, rows, cols, ld, [&](std::size_t idx) { return bool(kept[idx]); });
}

}  // namespace cachescope
