// What was drawn where, for the scripted layout check (`gui --layout FILE`):
// the text and plots a view draws straight into a draw list (which ImGui's
// item rectangles do not cover) say here where they went. The check that
// reads the file fails on text clipped by its window, text over other text,
// and plots below their minimum size.
//
// Recording is off unless the app enables it for a scripted run, so the calls
// cost one branch in an interactive session. Coordinates are screen pixels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

namespace cachescope::app::layout {

struct TextBox {
  std::string text;
  ImVec2 min, max;
  ImVec2 clipMin, clipMax;  // the draw list's clip rectangle when it was drawn
};

struct PlotBox {
  std::string title;
  ImVec2 min, max;
  float minWidth = 0, minHeight = 0;  // the smallest canvas the plot's layout accepts
};

void setEnabled(bool on);
bool enabled();

// Drop what the last frame recorded (called at the start of each frame).
void beginFrame();

// Text drawn through ImDrawList::AddText at [min, max).
void recordText(std::string_view text, ImVec2 min, ImVec2 max);
// A plot canvas and the smallest size its layout accepts.
void recordPlot(std::string_view title, ImVec2 min, ImVec2 max, float minWidth, float minHeight);

const std::vector<TextBox>& texts();
const std::vector<PlotBox>& plots();

}  // namespace cachescope::app::layout
