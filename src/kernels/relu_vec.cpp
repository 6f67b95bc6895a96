#include "kernels/relu_vec.hpp"

#include "platform/host.hpp"

namespace cachescope {

void reluF32Scalar(const float* x, float* y, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

ReluF32Fn selectReluF32() {
  switch (activeSimd()) {
    case SimdLevel::Avx512: return reluF32Avx512;
    case SimdLevel::Avx2: return reluF32Avx2;
    case SimdLevel::Scalar: break;
  }
  return reluF32Scalar;
}

}  // namespace cachescope
