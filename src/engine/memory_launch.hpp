// Launch settings of the Memory view (`--set probe=mountain --set
// probe-max=64M ...`), kept apart from RunSettings: changing them reruns no
// benchmark. Parsed by applyLaunchSetting (settings.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "engine/probe_run.hpp"

namespace cachescope::engine {

struct MemoryLaunch {
  ProbeKind probe = ProbeKind::Latency;  // the probe shown (and measured) first
  std::uint64_t maxBytes = 0;            // probe-max: largest working set (0: the quick range)
  int threads = 0;                       // probe-threads: bandwidth on 1..threads (0: all cores)
  int simulate = -1;                     // probe-simulate=0|1 (-1: off)
  std::string prefetch;                  // probe-prefetch=none|next-line|stride ("": none)
  int heatmap = -1;                      // mountain=3d|heatmap (-1: 3d)
};

// The keys, for messages: "probe, probe-max, ...".
const char* memoryKeysText();

// Takes `key=value` when the key is one of the Memory view's and returns
// true (other keys: false, nothing changed). Throws UsageError naming
// `origin` for a bad value.
bool applyMemorySetting(MemoryLaunch& launch, const std::string& keyValue, const std::string& origin);

}  // namespace cachescope::engine
