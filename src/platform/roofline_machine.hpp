// What a roofline measurement found about this machine. Plain numbers, so the
// plot module (which draws the roof) and the bench module (which measures it)
// both see it without depending on each other.
#pragma once

#include <string>

namespace cachescope {

struct RooflineMachine {
  double peakGflops = 0;     // fp32 FMA throughput, all `threads` together
  double bandwidthGBs = 0;   // STREAM-like triad on arrays well beyond L3
  int threads = 1;
  std::string simd;          // "avx512", "avx2", "scalar": the FMA loop that ran
  double triadBytes = 0;     // total size of the triad's three arrays

  // Arithmetic intensity (FLOP/byte) where the memory roof meets the peak.
  double ridge() const { return bandwidthGBs > 0 ? peakGflops / bandwidthGBs : 0; }
};

}  // namespace cachescope
