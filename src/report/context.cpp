#include <ctime>

#include <nlohmann/json.hpp>

#include "platform/clock.hpp"
#include "platform/host.hpp"
#include "report/record.hpp"

namespace cachescope {

nlohmann::json hostContextJson() {
  const HostInfo& h = host();
  const ClockEstimate clock = estimateClock();
  nlohmann::json caches = nlohmann::json::array();
  for (const CacheInfo& c : h.caches) {
    caches.push_back({{"level", c.level},
                      {"type", c.type},
                      {"size_bytes", c.sizeBytes},
                      {"ways", c.ways},
                      {"line_bytes", c.lineBytes},
                      {"sets", c.sets},
                      {"shared_by_cpus", c.sharedByCpus}});
  }
  char date[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return {{"program", "cachescope"},
          {"version", CACHESCOPE_VERSION},
          {"cpu", h.cpuModel},
          {"cores", h.logicalCores},
          {"simd", toString(h.simd)},
          {"simd_active", toString(activeSimd())},
          {"avx512_vnni", h.avx512vnni},
          {"clock", {{"ghz", clock.ghz}, {"method", clock.method}}},
          {"caches", caches},
          {"build_type", CACHESCOPE_BUILD_TYPE},
          {"compiler", CACHESCOPE_COMPILER},
          {"date", date}};
}

}  // namespace cachescope
