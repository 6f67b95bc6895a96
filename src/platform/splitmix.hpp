// SplitMix64 (Steele, Lea, Flood 2014): the one small seedable generator of
// the project. The kernels' inputs and the simulator's random replacement
// both draw from it, so a seed means the same stream everywhere and nothing
// touches a global RNG.
#pragma once

#include <cstdint>

namespace cachescope {

struct SplitMix64 {
  // The generator's increment (2^64 / golden ratio); also spaces the seeds of
  // independent streams (stream i starts at seed + i * kGamma).
  static constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ull;

  std::uint64_t state = 0;

  std::uint64_t next() {
    std::uint64_t z = (state += kGamma);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

}  // namespace cachescope
