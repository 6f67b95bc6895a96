#include "cli/level_overrides.hpp"

#include "platform/errors.hpp"

namespace cachescope::cli {

void applyLevelOverrides(sim::HierarchyConfig& c, const std::string& l1, const std::string& l2, const std::string& l3) {
  const std::string* overrides[] = {&l1, &l2, &l3};
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string& spec = *overrides[i];
    if (spec.empty()) continue;
    if (spec == "none") {
      if (i == 0) throw UsageError("--l1 cannot be none: the hierarchy needs a first level");
      if (c.levels.size() > i) c.levels.resize(i);
      continue;
    }
    const std::string name = i < c.levels.size() ? c.levels[i].name : "L" + std::to_string(i + 1);
    sim::LevelConfig level = sim::parseLevelSpec(spec, name);
    if (i < c.levels.size())
      c.levels[i] = level;
    else if (i == c.levels.size())
      c.levels.push_back(level);
    else
      throw UsageError("--l" + std::to_string(i + 1) + " given, but the hierarchy has only " +
                       std::to_string(c.levels.size()) + " level(s): give the levels above it too");
  }
}

}  // namespace cachescope::cli
