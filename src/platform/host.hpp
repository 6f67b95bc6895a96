// Host facts read once from the OS: CPU model, cores, SIMD level, caches.
// Used by the kernels (block sizes from cache sizes), the simulator (default
// hierarchy), reports (context) and the status bar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cachescope {

enum class SimdLevel { Scalar, Avx2, Avx512 };

const char* toString(SimdLevel level);

struct CacheInfo {
  int level = 0;          // 1, 2, 3
  std::string type;       // "Data", "Unified" (instruction caches are skipped)
  std::size_t sizeBytes = 0;
  int ways = 0;
  int lineBytes = 64;
  int sets = 0;
  int sharedByCpus = 1;   // logical CPUs sharing this cache
};

struct HostInfo {
  std::string cpuModel;
  int logicalCores = 1;
  SimdLevel simd = SimdLevel::Scalar;     // what the CPU can do
  bool avx512vnni = false;
  bool avx512bf16 = false;                // vdpbf16ps
  bool amxInt8 = false, amxBf16 = false;  // the CPU's AMX tiles (the OS must still grant them: amxActive)
  // AVX-512 executed as two 256-bit halves (AMD Zen 4, family 19h): a zmm
  // multiply-add per cycle, half an Intel core's two ports, so the GEMMs'
  // B panels may stream from L2 and their k blocks grow (int_gemm.cpp,
  // bf16_gemm.cpp say by how much).
  bool zmmHalfRate = false;
  std::vector<CacheInfo> caches;          // data/unified caches, L1 first

  // The data cache of a level, or nullptr when the host has none.
  const CacheInfo* cache(int level) const;
};

// Reads /proc/cpuinfo and /sys/devices/system/cpu/cpu0/cache once; falls back
// to typical laptop values (32K/8, 1M/16, 8M/16, 64-byte lines) when sysfs is
// not there, so nothing downstream sees a zero size.
const HostInfo& host();

// The SIMD level kernels dispatch on: the host's, lowered by the environment
// variable CACHESCOPE_SIMD=scalar|avx2|avx512|amx (never raised above what the
// CPU has). Tests use it to cover the AVX2 path on AVX-512 machines.
SimdLevel activeSimd();

// Whether the AMX tile paths may run: the CPU has AMX-INT8, CACHESCOPE_SIMD is
// unset or "amx" (any lower level turns AMX off, so the VNNI path can be
// tested on an AMX host), and Linux granted this process the tile data state
// (arch_prctl ARCH_REQ_XCOMP_PERM, asked once, on the first call).
bool amxActive();

// CPUs this process may run on (its affinity mask, which may be fewer than
// HostInfo::logicalCores; at least 1).
unsigned processCpus();

// Bytes of memory available to a new allocation (MemAvailable), or 0 when
// unknown.
std::uint64_t availableMemoryBytes();

// Share of the available memory one run may take: the rest stays with the
// system and the app, so a run that passes the check does not push the
// machine into swap. The one rule every size check (bench, GUI, simulate) uses.
inline constexpr double kMemoryBudgetShare = 0.8;

// Whether a run needing `bytes` fits kMemoryBudgetShare of `available` bytes;
// always true when `available` is 0 (unknown): no check beats a wrong one.
bool fitsMemoryBudget(double bytes, std::uint64_t available = availableMemoryBytes());

// Parses "48K", "2M", "1G", "4096" into bytes; returns false on bad input.
bool parseByteSize(const std::string& text, std::uint64_t& bytes);

// "48 KiB", "2 MiB", "105 MiB", "512 B".
std::string formatBytes(std::uint64_t bytes);

}  // namespace cachescope
