#include "kernels/quantized_matmul.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/quantize.hpp"

namespace cachescope {

double quantizedMatmulTolerance(int n, const float* a, const float* b, const std::int8_t* aq, const float* sa,
                                const std::int8_t* bq, const float* sb) {
  const std::size_t nn = std::size_t(n);
  std::vector<double> rowAbs(nn, 0.0), rowErr(nn, 0.0), colAbs(nn, 0.0), colErr(nn, 0.0), colMax(nn, 0.0);
  for (std::size_t i = 0; i < nn; ++i) {
    for (std::size_t k = 0; k < nn; ++k) {
      const double v = a[i * nn + k];
      rowAbs[i] += std::fabs(v);
      rowErr[i] = std::max(rowErr[i], std::fabs(v - double(sa[i]) * aq[i * nn + k]));
    }
  }
  for (std::size_t k = 0; k < nn; ++k) {
    for (std::size_t j = 0; j < nn; ++j) {
      const double v = b[k * nn + j];
      colAbs[j] += std::fabs(v);
      colMax[j] = std::max(colMax[j], std::fabs(v));
      colErr[j] = std::max(colErr[j], std::fabs(v - double(sb[j]) * bq[k * nn + j]));
    }
  }
  // A few fp32 roundings (int32 -> float, * sa, * sb, the reference's own)
  // relative to the size of the sum of |terms|.
  const double fp = 6.0 * std::ldexp(1.0, -24);
  double worst = 0.0;
  for (std::size_t i = 0; i < nn; ++i) {
    for (std::size_t j = 0; j < nn; ++j) {
      const double quant = rowAbs[i] * colErr[j] + rowErr[i] * colAbs[j] + double(n) * rowErr[i] * colErr[j];
      const double magnitude = (rowAbs[i] + double(n) * rowErr[i]) * (colMax[j] + colErr[j]);
      worst = std::max(worst, quant + fp * magnitude);
    }
  }
  return worst + 1e-6;
}

QuantizedMatmulPrepared::QuantizedMatmulPrepared(const Problem& problem, const Params& params, int bits,
                                                 IntStorage storage)
    : MatmulPrepared(problem, params) {
  const std::size_t count = std::size_t(n_) * n_;
  std::vector<std::int8_t> aq(count), bq(count);
  std::vector<float> sa(n_), sb(n_);
  quantizeRows(problem.a.data(), n_, n_, n_, bits, aq.data(), sa.data());
  quantizeColumns(problem.b.data(), n_, n_, n_, bits, bq.data(), sb.data());
  tolerance_ =
      quantizedMatmulTolerance(n_, problem.a.data(), problem.b.data(), aq.data(), sa.data(), bq.data(), sb.data());
  gemm_.emplace(n_, n_, n_, aq.data(), bq.data(), std::move(sa), std::move(sb), storage, params.threads);
}

void QuantizedMatmulPrepared::run() {
  gemm_->run(c_.data(), std::size_t(n_));
}

}  // namespace cachescope
