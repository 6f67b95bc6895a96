#include "app/theme.hpp"

#include <algorithm>
#include <fstream>

#include <imgui.h>

namespace cachescope::app {

namespace {
// Latin-1 plus the few symbols the UI uses (dashes, arrows, ellipsis, <=).
// The atlas keeps a pointer to this until it is rebuilt.
const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2013, 0x2026, 0x2190, 0x2193, 0x2248, 0x2264, 0};
}  // namespace

bool loadFonts(float px) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  px = std::clamp(px, kMinFontSize, kMaxFontSize);
  const bool haveFile = std::ifstream(kFontPath).good();
  if (haveFile) {
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    if (io.Fonts->AddFontFromFileTTF(kFontPath, px, &cfg, kRanges)) return true;
  }
  ImFontConfig cfg;
  cfg.SizePixels = px;
  io.Fonts->AddFontDefault(&cfg);
  return false;
}

ImVec4 levelColor(std::size_t level) {
  static const ImVec4 kLevels[4] = {ImVec4(0.16f, 0.68f, 0.29f, 1), ImVec4(0.96f, 0.80f, 0.12f, 1),
                                    ImVec4(0.96f, 0.49f, 0.09f, 1), ImVec4(0.84f, 0.13f, 0.16f, 1)};
  return kLevels[level < 3 ? level : 3];
}

void applyTheme(Theme theme, float fontPx) {
  ImGuiStyle style;
  if (theme == Theme::Light) ImGui::StyleColorsLight(&style);
  else ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.ChildRounding = 4;
  style.FrameRounding = 4;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.FrameBorderSize = theme == Theme::Light ? 1.0f : 0.0f;
  style.ItemSpacing = ImVec2(8, 6);
  style.FramePadding = ImVec2(6, 4);
  style.ScaleAllSizes(std::max(1.0f, fontPx / 15.0f));
  ImVec4* c = style.Colors;
  if (theme == Theme::Light) {
    c[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.98f, 1);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.88f, 0.90f, 0.94f, 1);      // control column
    c[ImGuiCol_TitleBgActive] = ImVec4(0.80f, 0.84f, 0.91f, 1);  // status bar
    c[ImGuiCol_PlotHistogram] = ImVec4(0.10f, 0.35f, 0.70f, 1);  // headings, progress
    c[ImGuiCol_Text] = ImVec4(0.05f, 0.05f, 0.08f, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.35f, 0.36f, 0.40f, 1);
  } else {
    c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.14f, 0.16f, 0.20f, 1);
    c[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.22f, 0.33f, 1);
    c[ImGuiCol_PlotHistogram] = ImVec4(0.40f, 0.70f, 1.00f, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.60f, 0.62f, 0.68f, 1);
  }
  ImGui::GetStyle() = style;
}

}  // namespace cachescope::app
