// The scalar read loops and the run-time choice of the SIMD one.
#include "probe/read_kernels.hpp"

namespace cachescope::probe::detail {

CACHESCOPE_TIMED_LOOP double readScalar(const double* p, std::size_t n, std::uint64_t passes) {
  double a = 0, b = 0, c = 0, d = 0;
  for (std::uint64_t k = 0; k < passes; ++k)
    for (std::size_t i = 0; i < n; i += 4) {
      a += p[i];
      b += p[i + 1];
      c += p[i + 2];
      d += p[i + 3];
    }
  return a + b + c + d;
}

CACHESCOPE_TIMED_LOOP double strideRead(const double* p, std::size_t n, int stride, std::uint64_t passes) {
  const std::size_t s = std::size_t(stride);
  double a = 0, b = 0, c = 0, d = 0;
  for (std::uint64_t k = 0; k < passes; ++k) {
    std::size_t i = 0;
    for (; i + 3 * s < n; i += 4 * s) {
      a += p[i];
      b += p[i + s];
      c += p[i + 2 * s];
      d += p[i + 3 * s];
    }
    for (; i < n; i += s) a += p[i];
  }
  return a + b + c + d;
}

ReadKernel readKernel(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return {readAvx512, "avx512"};
    case SimdLevel::Avx2: return {readAvx2, "avx2"};
    case SimdLevel::Scalar: break;
  }
  return {readScalar, "scalar"};
}

}  // namespace cachescope::probe::detail
