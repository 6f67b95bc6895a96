// The read loops the bandwidth probe and the mountain time. The SIMD
// variants live in *_avx2.cpp / *_avx512.cpp (compiled with those flags,
// called only after CPU detection); readKernel() picks one at run time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "platform/host.hpp"

// The loops time the hardware: in a sanitizer build AddressSanitizer's
// check on every load would be what they measure (L1 came out slower than
// DRAM). They read only the probe's own buffers, whose bounds the callers
// size, so they are left uninstrumented.
#define CACHESCOPE_TIMED_LOOP __attribute__((no_sanitize("address")))

namespace cachescope::probe::detail {

// Sum of p[0..n) read `passes` times; n a multiple of 64 (512 bytes). The result keeps
// the loads alive.
using ReadFn = double (*)(const double* p, std::size_t n, std::uint64_t passes);
double readScalar(const double* p, std::size_t n, std::uint64_t passes);
double readAvx2(const double* p, std::size_t n, std::uint64_t passes);
double readAvx512(const double* p, std::size_t n, std::uint64_t passes);

struct ReadKernel {
  ReadFn fn;
  const char* name;  // "avx512", "avx2", "scalar"
};
ReadKernel readKernel(SimdLevel level = activeSimd());

// Every `stride`-th element of p[0..n), `passes` times (the mountain's
// loop, CS:APP's, scalar with four accumulators at every stride).
double strideRead(const double* p, std::size_t n, int stride, std::uint64_t passes);

}  // namespace cachescope::probe::detail
