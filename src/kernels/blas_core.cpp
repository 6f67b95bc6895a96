#include "kernels/blas_core.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "platform/host.hpp"

extern "C" char* openblas_get_corename(void);

namespace cachescope {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

// 0.3.21's DYNAMIC_ARCH names.
SimdLevel blasCoreSimd(const std::string& core) {
  constexpr std::array<std::string_view, 3> kAvx512{"skylakex", "cooperlake", "sapphirerapids"};
  constexpr std::array<std::string_view, 3> kAvx2{"haswell", "zen", "excavator"};
  const std::string c = lower(core);
  if (std::find(kAvx512.begin(), kAvx512.end(), c) != kAvx512.end()) return SimdLevel::Avx512;
  if (std::find(kAvx2.begin(), kAvx2.end(), c) != kAvx2.end()) return SimdLevel::Avx2;
  return SimdLevel::Scalar;
}

std::optional<std::string> blasCoreToRequest() {
  if (std::getenv("OPENBLAS_CORETYPE")) return std::nullopt;
  const char* name = openblas_get_corename();
  if (!name || blasCoreSimd(name) >= host().simd) return std::nullopt;
  switch (host().simd) {
    case SimdLevel::Avx512: return std::string("SkylakeX");
    case SimdLevel::Avx2: return std::string("Haswell");
    default: return std::nullopt;
  }
}

std::string blasCoreDetected() {
  const char* d = std::getenv("CACHESCOPE_BLAS_DETECTED");
  return d ? std::string(d) : std::string();
}

void reexecWithBlasCore(char** argv) {
  const std::optional<std::string> core = blasCoreToRequest();
  if (!core) return;
  const char* detected = openblas_get_corename();
  if (::setenv("CACHESCOPE_BLAS_DETECTED", detected ? detected : "unknown", 1) != 0) return;
  if (::setenv("OPENBLAS_CORETYPE", core->c_str(), 1) != 0) return;
  // The binary by its own name (exec of /proc/self/exe would name the
  // process "exe" in ps and top).
  char self[4096];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (len > 0) {
    self[len] = '\0';
    ::execv(self, argv);
  }
  ::execv("/proc/self/exe", argv);
  // The exec failed: go on with OpenBLAS's own choice, and say nothing was asked.
  ::unsetenv("OPENBLAS_CORETYPE");
  ::unsetenv("CACHESCOPE_BLAS_DETECTED");
}

}  // namespace cachescope
