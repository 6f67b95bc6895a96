// Vector ReLU over a contiguous array, one file per ISA, chosen at run time.
#pragma once

#include <cstddef>

namespace cachescope {

// stream: write y with non-temporal stores, which skip the cache and the
// read-for-ownership of y's lines. A win once x and y no longer fit in the
// last-level cache, a loss while they do (useStreamingStores).
using ReluF32Fn = void (*)(const float* x, float* y, std::size_t count, bool stream);

void reluF32Scalar(const float* x, float* y, std::size_t count, bool stream);
void reluF32Avx2(const float* x, float* y, std::size_t count, bool stream);
void reluF32Avx512(const float* x, float* y, std::size_t count, bool stream);

// The one for the active SIMD level (CACHESCOPE_SIMD lowers it).
ReluF32Fn selectReluF32();

// "avx512", "avx2" or "scalar": the path a selected function is.
const char* reluF32PathName(ReluF32Fn fn);

// True when reading and writing `bytesMoved` would not fit in half of the
// host's last-level cache: measured on a 32 MiB L3, plain stores win below
// about 14 MiB moved and streaming stores above about 17 MiB.
bool useStreamingStores(double bytesMoved);

}  // namespace cachescope
