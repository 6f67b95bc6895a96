// The frame's record of draw-list text and plot canvases (layout_record.hpp).
#include "app/layout_record.hpp"

#include <imgui_internal.h>

namespace cachescope::app::layout {

namespace {
bool gEnabled = false;
std::vector<TextBox> gTexts;
std::vector<PlotBox> gPlots;
}  // namespace

void setEnabled(bool on) { gEnabled = on; }
bool enabled() { return gEnabled; }

void beginFrame() {
  gTexts.clear();
  gPlots.clear();
}

void recordText(std::string_view text, ImVec2 min, ImVec2 max) {
  if (!gEnabled) return;
  TextBox box{std::string(text), min, max, {}, {}};
  if (ImGuiWindow* w = ImGui::GetCurrentWindowRead()) {
    box.clipMin = w->DrawList->GetClipRectMin();
    box.clipMax = w->DrawList->GetClipRectMax();
  }
  gTexts.push_back(std::move(box));
}

void recordPlot(std::string_view title, ImVec2 min, ImVec2 max, float minWidth, float minHeight) {
  if (!gEnabled) return;
  gPlots.push_back({std::string(title), min, max, minWidth, minHeight});
}

const std::vector<TextBox>& texts() { return gTexts; }
const std::vector<PlotBox>& plots() { return gPlots; }

}  // namespace cachescope::app::layout
