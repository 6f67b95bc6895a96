// Vector ReLU over a contiguous array, one file per ISA, chosen at run time.
#pragma once

#include <cstddef>

namespace cachescope {

using ReluF32Fn = void (*)(const float* x, float* y, std::size_t count);

void reluF32Scalar(const float* x, float* y, std::size_t count);
void reluF32Avx2(const float* x, float* y, std::size_t count);
void reluF32Avx512(const float* x, float* y, std::size_t count);

// The one for the active SIMD level (CACHESCOPE_SIMD lowers it).
ReluF32Fn selectReluF32();

}  // namespace cachescope
