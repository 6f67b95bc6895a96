// The clock estimate (clock.hpp).
#include "platform/clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace cachescope {

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double addChainGhz() {
  // 64 dependent adds per iteration: one per cycle on every x86 core.
  auto run = [](std::uint64_t iters) {
    std::uint64_t x = 0;
    const double t0 = nowSeconds();
    for (std::uint64_t i = 0; i < iters; ++i) {
#if defined(__x86_64__)
      asm volatile(
          ".rept 64\n\t"
          "add $1, %0\n\t"
          ".endr"
          : "+r"(x));
#else
      for (int k = 0; k < 64; ++k) asm volatile("" : "+r"(x) : "r"(x + 1));
#endif
    }
    return nowSeconds() - t0;
  };
  std::uint64_t iters = 1 << 14;
  while (run(iters) < 0.005 && iters < (std::uint64_t(1) << 34)) iters *= 2;
  std::vector<double> ghz;
  for (int r = 0; r < 5; ++r) ghz.push_back(double(iters) * 64 / run(iters) / 1e9);
  return *std::max_element(ghz.begin(), ghz.end());  // the fastest: least disturbed
}

double cpuinfoMhz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("cpu MHz", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return std::atof(line.c_str() + colon + 1);
    }
  return 0;
}

}  // namespace

ClockEstimate estimateClock() {
  static const ClockEstimate cached = [] {
    ClockEstimate c;
    const double chain = addChainGhz();
    const double mhz = cpuinfoMhz();
    char buf[160];
    if (chain > 0.3 && chain < 8) {
      c.ghz = chain;
      if (mhz > 0)
        std::snprintf(buf, sizeof buf, "dependent add chain timed, 1 add/cycle (/proc/cpuinfo cpu MHz says %.0f)", mhz);
      else
        std::snprintf(buf, sizeof buf, "dependent add chain timed, 1 add/cycle");
      c.method = buf;
    } else if (mhz > 0) {
      c.ghz = mhz / 1000;
      c.method = "cpu MHz from /proc/cpuinfo";
    } else {
      c.ghz = 1;
      c.method = "unknown clock: 1 GHz assumed";
    }
    return c;
  }();
  return cached;
}

}  // namespace cachescope
