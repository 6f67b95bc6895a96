// `--l1/--l2/--l3 SPEC|none` on top of a preset's levels: the one reading
// that `simulate` and `probe --simulate` share. A SPEC replaces that level
// (or adds it right below the last one), `none` drops it and every level
// below; UsageError for `--l1 none` or a level given below a missing one.
#pragma once

#include <string>

#include "cachesim/config.hpp"

namespace cachescope::cli {

void applyLevelOverrides(sim::HierarchyConfig& config, const std::string& l1, const std::string& l2,
                         const std::string& l3);

}  // namespace cachescope::cli
