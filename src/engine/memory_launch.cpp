// The Memory view's launch keys (memory_launch.hpp).
#include "engine/memory_launch.hpp"

#include <charconv>

#include "cachesim/config.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"

namespace cachescope::engine {

const char* memoryKeysText() { return "probe, probe-max, probe-threads, probe-simulate, probe-prefetch, mountain"; }

bool applyMemorySetting(MemoryLaunch& launch, const std::string& keyValue, const std::string& origin) {
  const auto eq = keyValue.find('=');
  if (eq == std::string::npos) return false;
  const std::string key = keyValue.substr(0, eq), value = keyValue.substr(eq + 1);
  const std::string named = origin + " " + keyValue;
  if (key == "probe") {
    if (!parseProbeKind(value, launch.probe))
      throw UsageError(named + ": must be latency, mountain, traversal or bandwidth");
  } else if (key == "probe-max") {
    std::uint64_t bytes = 0;
    if (!parseByteSize(value, bytes) || bytes < 64 * 1024)
      throw UsageError(named + ": give a working set of at least 64K (e.g. 64M, 1G)");
    launch.maxBytes = bytes;
  } else if (key == "probe-threads") {
    int t = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), t);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size() || t < 1 || t > host().logicalCores)
      throw UsageError(named + ": must be in 1.." + std::to_string(host().logicalCores));
    launch.threads = t;
  } else if (key == "probe-simulate") {
    if (value != "0" && value != "1") throw UsageError(named + ": must be 0 (measured only) or 1 (also simulated)");
    launch.simulate = value == "1";
  } else if (key == "probe-prefetch") {
    try {
      sim::parsePrefetch(value);
    } catch (const std::exception& e) {
      throw UsageError(named + ": " + e.what());
    }
    launch.prefetch = value;
  } else if (key == "mountain") {
    if (value != "3d" && value != "heatmap") throw UsageError(named + ": must be 3d or heatmap");
    launch.heatmap = value == "heatmap";
  } else {
    return false;
  }
  return true;
}

}  // namespace cachescope::engine
