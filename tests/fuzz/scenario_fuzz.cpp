// Fuzz target: the app's scenario files (--scenario FILE.json), and the
// --set KEY=VALUE and --window WxH text they share with the command line
// (src/engine/settings.cpp).
#include <cmath>

#include "engine/settings.hpp"
#include "fuzz_target.hpp"

using namespace cachescope;
using namespace cachescope::engine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::asString(data, size);
  const std::string& path = fuzz::writeInputFile(data, size, ".scenario.json");
  fuzz::acceptsOrRefuses("applyScenarioFile", text, [&] {
    LaunchOptions o;
    applyScenarioFile(o, path);
    fuzz::require(std::isfinite(o.fontSize) && o.fontSize >= kMinFontSize && o.fontSize <= kMaxFontSize,
                  "an accepted font size out of range");
    fuzz::require(o.settings.params.n >= kMinN && o.settings.params.n <= kMaxN, "an accepted n out of range");
  });
  fuzz::acceptsOrRefuses("applySetting", text, [&] {
    RunSettings s = defaultRunSettings();
    SweepAxis sweep = SweepAxis::None;
    applySetting(s, text, &sweep);
  });
  fuzz::acceptsOrRefuses("applyWindowSize", text, [&] {
    LaunchOptions o;
    applyWindowSize(o, text);
    fuzz::require(o.width >= 640 && o.width <= 7680 && o.height >= 480 && o.height <= 4320,
                  "an accepted window size out of range");
  });
  return 0;
}
