#include "app/panels.hpp"

namespace cachescope::app {

void drawRooflineView(UiState& state, const Snapshot& snap) {
  ImGui::TextWrapped("This build has no roofline measurement (src/bench/roofline.hpp).");
}

}  // namespace cachescope::app
