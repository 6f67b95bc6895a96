#include "kernels/relu_vec.hpp"

#include "platform/host.hpp"

namespace cachescope {

void reluF32Scalar(const float* x, float* y, std::size_t count, bool) {
  for (std::size_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

ReluF32Fn selectReluF32() {
  switch (activeSimd()) {
    case SimdLevel::Avx512:
      return reluF32Avx512;
    case SimdLevel::Avx2:
      return reluF32Avx2;
    case SimdLevel::Scalar:
      break;
  }
  return reluF32Scalar;
}

const char* reluF32PathName(ReluF32Fn fn) {
  if (fn == reluF32Avx512) return toString(SimdLevel::Avx512);
  if (fn == reluF32Avx2) return toString(SimdLevel::Avx2);
  return toString(SimdLevel::Scalar);
}

bool useStreamingStores(double bytesMoved) {
  const CacheInfo* last = nullptr;
  for (const CacheInfo& c : host().caches)
    if (!last || c.level > last->level) last = &c;
  return last && bytesMoved > 0.5 * double(last->sizeBytes);
}

}  // namespace cachescope
