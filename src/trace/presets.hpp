// Cache hierarchies by name: "host" (this machine's data caches from sysfs)
// and the JSON presets in assets/caches/ (see assets/caches/README.md for the
// format). The CLI's --caches and the GUI's preset menu both come here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cachesim/config.hpp"

namespace cachescope::trace {

struct CachePreset {
  std::string name;         // "host", "sapphire-rapids"
  std::string description;  // one or two sentences for the menu / --help
  std::vector<sim::LevelConfig> levels;
  std::optional<sim::Replacement> replacement;  // when the preset names one
  std::string path;         // the JSON file, empty for "host"
};

// The host's data/unified caches, L1 first (never empty: host() falls back to
// typical values when sysfs is missing).
CachePreset hostPreset();

// "host", a preset name (assets/caches/NAME.json) or a path to a JSON file.
// Throws SimulationError with a one-line message (unknown name: the list of
// known ones; bad JSON or bad level: what and where).
CachePreset loadPreset(const std::string& nameOrPath);

// Every preset found, "host" first.
std::vector<CachePreset> listPresets();

// Where presets are looked for, in order: $CACHESCOPE_ASSETS/caches, an
// assets/caches folder next to or above the running binary, the source tree's.
std::vector<std::string> presetDirectories();

}  // namespace cachescope::trace
