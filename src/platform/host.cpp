#include "platform/host.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__linux__)
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace cachescope {

unsigned processCpus() {
#if defined(__linux__)
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) return unsigned(std::max(1, CPU_COUNT(&mask)));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

const char* toString(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Scalar: break;
  }
  return "scalar";
}

const CacheInfo* HostInfo::cache(int level) const {
  for (const CacheInfo& c : caches)
    if (c.level == level) return &c;
  return nullptr;
}

namespace {

std::string readLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

int countCpuList(const std::string& list) {
  // "0-3,8" -> 5
  int count = 0;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    auto dash = part.find('-');
    if (dash == std::string::npos) {
      if (!part.empty()) ++count;
    } else {
      count += std::atoi(part.c_str() + dash + 1) - std::atoi(part.c_str()) + 1;
    }
  }
  return std::max(count, 1);
}

std::vector<CacheInfo> readCaches() {
  std::vector<CacheInfo> out;
  for (int idx = 0; idx < 16; ++idx) {
    std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(idx) + "/";
    std::string type = readLine(base + "type");
    if (type.empty()) break;
    if (type == "Instruction") continue;
    CacheInfo c;
    c.level = std::atoi(readLine(base + "level").c_str());
    c.type = type;
    std::uint64_t size = 0;
    parseByteSize(readLine(base + "size"), size);
    c.sizeBytes = size;
    c.ways = std::atoi(readLine(base + "ways_of_associativity").c_str());
    c.lineBytes = std::atoi(readLine(base + "coherency_line_size").c_str());
    c.sets = std::atoi(readLine(base + "number_of_sets").c_str());
    c.sharedByCpus = countCpuList(readLine(base + "shared_cpu_list"));
    if (c.level <= 0 || c.sizeBytes == 0) continue;
    if (c.lineBytes <= 0) c.lineBytes = 64;
    if (c.ways <= 0) c.ways = 1;
    if (c.sets <= 0) c.sets = static_cast<int>(c.sizeBytes / (std::size_t(c.ways) * c.lineBytes));
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const CacheInfo& a, const CacheInfo& b) { return a.level < b.level; });
  if (out.empty()) {
    out.push_back({1, "Data", 32 * 1024, 8, 64, 64, 1});
    out.push_back({2, "Unified", 1024 * 1024, 16, 64, 1024, 1});
    out.push_back({3, "Unified", 8 * 1024 * 1024, 16, 64, 8192, 1});
  }
  return out;
}

std::string readCpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string m = line.substr(colon + 1);
        m.erase(0, m.find_first_not_of(" \t"));
        return m;
      }
    }
  }
  return "unknown x86-64 CPU";
}

HostInfo detect() {
  HostInfo h;
  h.cpuModel = readCpuModel();
  h.logicalCores = std::max(1u, std::thread::hardware_concurrency());
  h.caches = readCaches();
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    h.simd = SimdLevel::Avx512;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    h.simd = SimdLevel::Avx2;
  h.avx512vnni = h.simd == SimdLevel::Avx512 && __builtin_cpu_supports("avx512vnni");
  h.avx512bf16 = h.simd == SimdLevel::Avx512 && __builtin_cpu_supports("avx512bf16");
  // AMX is used with AVX-512 around it (packing, the epilogue).
  h.amxInt8 = h.simd == SimdLevel::Avx512 && __builtin_cpu_supports("amx-tile") && __builtin_cpu_supports("amx-int8");
  h.amxBf16 = h.amxInt8 && __builtin_cpu_supports("amx-bf16");
  if (h.simd == SimdLevel::Avx512 && __builtin_cpu_is("amd")) {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
      const unsigned base = (eax >> 8) & 0xf, family = base == 0xf ? base + ((eax >> 20) & 0xff) : base;
      h.zmmHalfRate = family == 0x19;
    }
  }
#endif
  return h;
}

}  // namespace

const HostInfo& host() {
  static const HostInfo info = detect();
  return info;
}

SimdLevel activeSimd() {
  SimdLevel level = host().simd;
  if (const char* env = std::getenv("CACHESCOPE_SIMD")) {
    std::string v(env);
    SimdLevel wanted = level;
    if (v == "scalar") wanted = SimdLevel::Scalar;
    else if (v == "avx2") wanted = SimdLevel::Avx2;
    else if (v == "avx512") wanted = SimdLevel::Avx512;
    if (static_cast<int>(wanted) < static_cast<int>(level)) level = wanted;
  }
  return level;
}

bool amxActive() {
  if (!host().amxInt8) return false;
  if (const char* env = std::getenv("CACHESCOPE_SIMD"); env && std::string(env) != "amx") return false;
  // Linux (5.16+) hands out the 8 KiB tile data state only on request; a
  // kernel without the request (or a refusal) means no AMX: the VNNI path runs.
  static const bool granted = [] {
#if defined(__x86_64__) && defined(__linux__)
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
    return false;
#endif
  }();
  return granted;
}

std::uint64_t availableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t value = 0;
  std::string unit;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return value * 1024;
  }
  return 0;
}

bool fitsMemoryBudget(double bytes, std::uint64_t available) {
  return available == 0 || bytes <= kMemoryBudgetShare * double(available);
}

bool parseByteSize(const std::string& text, std::uint64_t& bytes) {
  if (text.empty()) return false;
  std::size_t pos = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  if (pos == 0 || pos > 15) return false;
  std::uint64_t value = std::stoull(text.substr(0, pos));
  std::string suffix = text.substr(pos);
  std::uint64_t mult = 1;
  if (suffix.empty() || suffix == "B") mult = 1;
  else if (suffix == "K" || suffix == "k" || suffix == "KB" || suffix == "KiB") mult = 1024;
  else if (suffix == "M" || suffix == "MB" || suffix == "MiB") mult = 1024ull * 1024;
  else if (suffix == "G" || suffix == "GB" || suffix == "GiB") mult = 1024ull * 1024 * 1024;
  else return false;
  // 15 digits times a suffix can pass 2^64 ("17179869185G"); wrapping would
  // turn an absurd size into a plausible one, so refuse it instead.
  if (value > ~std::uint64_t(0) / mult) return false;
  bytes = value * mult;
  return true;
}

std::string formatBytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  double v = static_cast<double>(bytes);
  while (u < 4 && v >= 1024.0 && std::fmod(v, 1024.0) == 0.0) {
    v /= 1024.0;
    ++u;
  }
  std::ostringstream os;
  if (u < 4 && v >= 1024.0) {  // not an exact multiple: one decimal in the next unit
    os.setf(std::ios::fixed);
    os.precision(1);
    os << v / 1024.0 << ' ' << units[u + 1];
  } else {
    os << static_cast<std::uint64_t>(v) << ' ' << units[u];
  }
  return os.str();
}

}  // namespace cachescope
