// Shared by the relu.* kernels: the problem's `a` holds n x n floats; the
// result is n x n, compared with referenceRelu.
#pragma once

#include <cstddef>

#include "kernels/kernel.hpp"

namespace cachescope {

// Bytes one run moves: every element read once and written once.
inline double reluWork(const Params& p, std::size_t elementBytes) {
  return 2.0 * double(p.n) * double(p.n) * double(elementBytes);
}

class ReluPrepared : public Prepared {
 public:
  ReluPrepared(const Problem& problem, const Params& params)
      : problem_(problem), params_(params), n_(problem.n), count_(std::size_t(problem.n) * problem.n), y_(count_) {}
  std::vector<float> output() const override { return {y_.begin(), y_.end()}; }
  std::vector<float> expected() const override { return referenceRelu(count_, problem_.a.data()); }
  // max(x, 0) is exact in fp32, whatever the instruction.
  double tolerance() const override { return 0.0; }

 protected:
  const Problem& problem_;
  Params params_;
  int n_;
  std::size_t count_;
  AlignedBuffer<float> y_;
};

}  // namespace cachescope
