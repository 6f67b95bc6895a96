// Shared by matmul.int8 and matmul.int4: quantize in prepare, run the integer
// GEMM engine (int_gemm.hpp), and state how far the result may lie from fp32.
#pragma once

#include <optional>

#include "kernels/int_gemm.hpp"
#include "kernels/kernel.hpp"

namespace cachescope {

// Worst-case |C - fp32 product| for symmetric per-row (A) / per-column (B)
// quantization, from the actual errors da = a - sa qa and db = b - sb qb:
//   |sum_k a b - sum_k (a - da)(b - db)| <= sum_k |a||db| + |da||b| + |da||db|
//     <= rowAbs(A)_i max|db|_j + max|da|_i colAbs(B)_j + n max|da|_i max|db|_j
// (max|da| <= sa / 2 when nothing saturates), plus fp32 rounding of the
// dequantization (int32 -> float, two products) and of the reference.
// Maximum over all (i, j); O(n^2).
double quantizedMatmulTolerance(int n, const float* a, const float* b, const std::int8_t* aq, const float* sa,
                                const std::int8_t* bq, const float* sb);

class QuantizedMatmulPrepared : public MatmulPrepared {
 public:
  // bits: quantization width (8 or 4); storage: int8 bytes or packed int4;
  // params.threads: the threads of the integer GEMM (throws below 1).
  QuantizedMatmulPrepared(const Problem& problem, const Params& params, int bits, IntStorage storage);
  void run() override;
  double tolerance() const override { return tolerance_; }
  std::string simdPath() const override { return gemm_ ? gemm_->isa().name : "scalar"; }

 private:
  std::optional<IntGemm> gemm_;
  double tolerance_ = 0.0;
};

}  // namespace cachescope
