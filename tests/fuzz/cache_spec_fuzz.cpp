// Fuzz target: cache level specs (--l1/--l2/--l3 SIZE:WAYS:LINE, and the
// GUI's l1= setting), byte sizes, --policy and --write-policy
// (src/cachesim/config.hpp, src/platform/host.hpp).
#include "cachesim/config.hpp"
#include "fuzz_target.hpp"
#include "platform/host.hpp"

using namespace cachescope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::asString(data, size);
  fuzz::acceptsOrRefuses("parseLevelSpec", text, [&] {
    const sim::LevelConfig l = sim::parseLevelSpec(text, "L1");
    fuzz::require(l.lines() >= 1 && l.sets() >= 1, "an accepted level without lines or sets");
    // The SPEC form parses back to the same level.
    const sim::LevelConfig again = sim::parseLevelSpec(sim::toSpec(l), "L1");
    fuzz::require(again.sizeBytes == l.sizeBytes && again.ways == l.ways && again.lineBytes == l.lineBytes,
                  "toSpec does not round-trip: " + sim::toSpec(l));
    sim::HierarchyConfig c;
    c.levels = {l};
    fuzz::acceptsOrRefuses("validate", text, [&] { sim::validate(c); });
    (void)sim::simulatorBytes(c);
    (void)sim::describe(l);
  });
  std::uint64_t bytes = 0;
  if (parseByteSize(text, bytes)) (void)formatBytes(bytes);
  fuzz::acceptsOrRefuses("parseReplacement", text, [&] { (void)sim::parseReplacement(text); });
  fuzz::acceptsOrRefuses("parseWritePolicy", text, [&] { (void)sim::parseWritePolicy(text); });
  return 0;
}
