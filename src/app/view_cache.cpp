#include "app/panels.hpp"

namespace cachescope::app {

void drawCacheView(UiState& state, const Snapshot& snap) {
  ImGui::TextWrapped("This build has no cache simulator (src/cachesim).");
}

}  // namespace cachescope::app
