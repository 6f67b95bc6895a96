// Names of the Memory view's probe kinds and its quick default range
// (probe_run.hpp).
#include "engine/probe_run.hpp"

#include <algorithm>

namespace cachescope::engine {

const char* toString(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Latency: return "latency";
    case ProbeKind::Mountain: return "mountain";
    case ProbeKind::Traversal: return "traversal";
    case ProbeKind::Bandwidth: return "bandwidth";
  }
  return "?";
}

bool parseProbeKind(const std::string& text, ProbeKind& out) {
  for (ProbeKind k : {ProbeKind::Latency, ProbeKind::Mountain, ProbeKind::Traversal, ProbeKind::Bandwidth})
    if (text == toString(k)) {
      out = k;
      return true;
    }
  return false;
}

std::uint64_t quickMaxBytes(std::uint64_t l2Bytes) {
  return std::max<std::uint64_t>(2 * l2Bytes, std::uint64_t(4) << 20);
}

}  // namespace cachescope::engine
