// Fuzz target: the trace reader (src/trace/trace_reader.hpp) and a trace's
// simulation. Each line goes through parseTraceLine, the whole input through
// LineReader with a small buffer (line splitting, over-long lines) and then
// through simulate() with and without --skip-bad.
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_target.hpp"
#include "trace/simulation.hpp"
#include "trace/trace_reader.hpp"

using namespace cachescope;
using namespace cachescope::trace;

namespace {

void checkLine(std::string_view line) {
  const TraceLine t = parseTraceLine(line);
  switch (t.kind) {
    case TraceLine::Kind::Ignored: break;
    case TraceLine::Kind::Bad: fuzz::require(t.error && *t.error, "a bad trace line without a reason"); break;
    default:
      fuzz::require(t.size >= 1 && t.size <= kMaxTraceAccessBytes, "accepted size out of 1..4096");
      fuzz::require(t.address <= ~std::uint64_t(0) - t.size, "accepted an address range that wraps");
  }
}

sim::HierarchyConfig tinyCaches() {
  sim::HierarchyConfig c;
  c.levels.push_back(sim::parseLevelSpec("256:2:16", "L1"));
  c.levels.push_back(sim::parseLevelSpec("1K:4:64", "L2"));
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::asString(data, size);
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t nl = std::min(text.find('\n', at), text.size());
    lines.push_back(std::string_view(text).substr(at, nl - at));
    at = nl + 1;
  }
  for (std::string_view line : lines) checkLine(line);

  const std::string& path = fuzz::writeInputFile(data, size, ".trace");
  constexpr std::size_t kBuffer = 48;  // lines longer than this come back flagged
  {
    LineReader in(path, kBuffer);
    std::string_view line;
    std::size_t n = 0;
    while (in.next(line)) {
      fuzz::require(n < lines.size(), "LineReader returned more lines than the input has");
      if (in.tooLong())
        fuzz::require(lines[n].size() >= kBuffer, "a line that fits the buffer was flagged too long");
      else
        fuzz::require(line == lines[n], "LineReader changed a line");
      ++n;
    }
    fuzz::require(n == lines.size(), "LineReader lost lines");
    fuzz::require(in.lineNumber() == lines.size(), "LineReader's line number is off");
  }

  SimulationRequest req;
  req.source = Source::TraceFile;
  req.tracePath = path;
  req.cache = tinyCaches();
  const bool accepted = fuzz::acceptsOrRefuses("simulate --trace", text, [&] {
    const SimulationResult r = simulate(req);
    fuzz::require(r.levels.size() == 2 && r.levels[0].accesses >= r.references, "L1 saw fewer accesses than references");
  });
  if (accepted) return 0;
  // Refused (a malformed line): --skip-bad must take it. (Each simulate()
  // zeroes its 1 MiB read buffer, the bulk of this target's time.)
  req.skipBad = true;
  req.missClasses = false;
  const bool ok = fuzz::acceptsOrRefuses("simulate --trace --skip-bad", text, [&] {
    const SimulationResult r = simulate(req);
    fuzz::require(r.skippedLines <= r.traceLines, "more lines skipped than read");
  });
  fuzz::require(ok, "--skip-bad refused a trace file that exists");
  return 0;
}
