// What a roofline measurement found about this machine. Plain numbers, so the
// plot module (which draws the roof) and the bench module (which measures it)
// both see it without depending on each other.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace cachescope {

// The roof a kernel is measured against: its data type's compute peak (fp32
// FMA, int8 multiply-add, bf16 dot product) over the DRAM slope, or the slope
// alone (ReLU does one comparison per element: only the bytes matter).
enum class Roof { Fp32, Int8, Memory, Bf16 };

// A bandwidth roof of one level of the hierarchy (issue 11): sustained read
// bandwidth with the working set inside that level, measured by the probe.
struct LevelRoof {
  std::string level;        // "L1d", "L2", "L3", "DRAM"
  double gbPerSecond = 0;
};

struct RooflineMachine {
  double peakGflops = 0;     // fp32 FMA throughput, all `threads` together
  double int8PeakGops = 0;   // int8 multiply-add throughput (2 ops a product), 0: not measured
  std::string int8Simd;      // the int8 loop that ran ("amx", "avx512-vnni", "avx2")
  double bf16PeakGflops = 0; // bf16 dot-product throughput (2 flop a product), 0: not measured
  std::string bf16Simd;      // the bf16 loop that ran ("amx-bf16", "avx512-bf16")
  double bandwidthGBs = 0;   // STREAM-like triad on arrays well beyond L3
  int threads = 1;
  std::string simd;          // "avx512", "avx2", "scalar": the FMA loop that ran
  double triadBytes = 0;     // total size of the triad's three arrays
  std::vector<LevelRoof> levelRoofs;  // `roofline --levels`: L1 first, DRAM last; empty otherwise

  // Arithmetic intensity (FLOP/byte) where the memory roof meets the peak.
  double ridge() const { return bandwidthGBs > 0 ? peakGflops / bandwidthGBs : 0; }
  // The flat part of a roof (0: none, or not measured).
  double peakOf(Roof roof) const {
    switch (roof) {
      case Roof::Fp32: return peakGflops;
      case Roof::Int8: return int8PeakGops;
      case Roof::Bf16: return bf16PeakGflops;
      case Roof::Memory: break;
    }
    return 0;
  }
  // Attainable rate at an intensity under that roof (int8 or bf16 without a
  // measured peak: the fp32 one, which the plot then says).
  double roofAt(Roof roof, double intensity) const {
    const double slope = intensity * bandwidthGBs;
    if (roof == Roof::Memory) return slope;
    const double flat = (roof == Roof::Int8 || roof == Roof::Bf16) && peakOf(roof) <= 0 ? peakGflops : peakOf(roof);
    return flat > 0 ? std::min(flat, slope) : slope;
  }
};

}  // namespace cachescope
