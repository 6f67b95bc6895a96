// Fuzz target: cache preset JSON files (--caches FILE.json, assets/caches;
// src/trace/presets.cpp).
#include "cachesim/config.hpp"
#include "fuzz_target.hpp"
#include "trace/presets.hpp"

using namespace cachescope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::asString(data, size);
  const std::string& path = fuzz::writeInputFile(data, size, ".json");
  fuzz::acceptsOrRefuses("loadPreset", text, [&] {
    const trace::CachePreset p = trace::loadPreset(path);
    fuzz::require(!p.levels.empty(), "an accepted preset without levels");
    for (const sim::LevelConfig& l : p.levels)
      fuzz::acceptsOrRefuses("validate", text, [&] { sim::validate(l); });
  });
  return 0;
}
