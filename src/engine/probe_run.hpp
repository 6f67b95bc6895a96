// The Memory view's requests and results (issue 11): which probe to run
// with which options, and the newest result of each probe kind as the
// worker published it. GL-free; the worker runs the probes
// (worker_views.cpp), the view only reads these.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "probe/probe.hpp"

namespace cachescope::engine {

enum class ProbeKind { Latency, Mountain, Traversal, Bandwidth };
inline constexpr int kProbeKinds = 4;
const char* toString(ProbeKind kind);  // "latency", "mountain", "traversal", "bandwidth"
bool parseProbeKind(const std::string& text, ProbeKind& out);

// What a probe request asks for: the view's controls, copied.
struct ProbeParams {
  ProbeKind kind = ProbeKind::Latency;
  std::uint64_t maxBytes = 0;  // largest working set; 0: the quick range (quickMaxBytes)
  int threads = 1;             // bandwidth: 1..threads
  bool simulate = false;       // also run the access stream through the simulator
  std::string prefetch = "none";  // sim::parsePrefetch text, for the simulated hierarchy
  int traversalN = 0;          // 0: the probe's default (beyond the L2)
};

// The ladder's and mountain's default largest working set when the view
// opens: twice the L2 (at least 4 MiB), so the L1 and L2 steps and the
// start of the L3 plateau appear within seconds. `l2Bytes`: the host's
// (0 unknown).
std::uint64_t quickMaxBytes(std::uint64_t l2Bytes);

// One probe's newest result, with the options it ran with.
struct ProbeRunInfo {
  std::uint64_t request = 0;
  ProbeParams params;
  std::uint64_t maxBytes = 0;   // as measured (the quick range resolved)
  std::string caches;           // simulated hierarchy's caption ("" not simulated)
  std::string prefetch;         // sim::describe of its prefetcher
  double seconds = 0;           // wall time of the measurement
};

struct ProbeRuns {
  std::optional<probe::LatencyResult> latency;
  ProbeRunInfo latencyInfo;
  std::optional<probe::MountainResult> mountain;
  ProbeRunInfo mountainInfo;
  std::optional<probe::TraversalResult> traversal;
  ProbeRunInfo traversalInfo;
  std::optional<probe::BandwidthResult> bandwidth;
  ProbeRunInfo bandwidthInfo;
};

}  // namespace cachescope::engine
