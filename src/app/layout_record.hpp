// What was drawn where, for the scripted layout check (`gui --layout FILE`):
// the text and plots a view draws straight into a draw list (which ImGui's
// item rectangles do not cover) say here where they went. The check that
// reads the file (tests/gui/layout_check) fails on text or items cut by their
// window, text over other text, and plots below their minimum size.
//
// Besides what code records here, attach() installs ImGui context hooks that
// capture, once a frame is rendered:
// - every window and child: its rectangle, the visible (clip) rectangle and
//   how far its content reached (content wider than the visible part is cut);
// - every glyph ImGui drew, read back from the frame's draw lists and grouped
//   into runs of text with their words' boxes: text from any code path
//   (ImGui::Text, widget labels, AddText in a plot) with the clip rectangle
//   it was drawn under, and whether a glyph was cut by it;
// - every item ImGui::ItemAdd saw, when the executable forwards them
//   (noteItemAdd: src/main wraps ImGui::ItemAdd at link time).
//
// Recording is off unless the app enables it for a scripted run, so the calls
// cost one branch in an interactive session. Coordinates are screen pixels.
//
// [SECTION] records
// [SECTION] recording
// [SECTION] the frame's JSON
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

namespace cachescope::app::layout {

// [SECTION] records

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

// An ImGui window or child window, as it was at the end of the frame.
struct WindowBox {
  std::string name, parent;  // ImGui's names ("##main/##views_1234abcd"); parent "" for a top window
  ImVec2 min, max;           // the window's rectangle
  ImVec2 clipMin, clipMax;   // what of it is visible (InnerClipRect: within the parent's too)
  ImVec2 contentMin, contentMax;  // where its items started and how far they reached
  bool scrollX = false, scrollY = false;  // scrollbars shown: content beyond the rectangle can be reached
};

// An item: from ItemAdd (label "", id set) or from recordItem (label set).
struct ItemBox {
  std::string label;
  std::string window;
  unsigned id = 0;
  ImVec2 min, max;
};

// Text as drawn: consecutive glyphs of one draw command on one line.
struct GlyphRun {
  std::string text;          // UTF-8
  std::string window;        // the draw list's owner
  ImVec2 min, max;           // all its glyphs
  ImVec2 clipMin, clipMax;   // the draw command's clip rectangle
  std::vector<ImVec4> words;  // boxes of the space-separated parts (x0, y0, x1, y1)
  bool cut = false;          // a glyph crosses the clip rectangle's left or right edge (or was clipped to it)
  float fontPx = 0;          // the glyphs' pixel size
};

// [SECTION] recording

void setEnabled(bool on);
bool enabled();

// Drop what the last frame recorded (called at the start of each frame; the
// hooks of attach() call it).
void beginFrame();

// Text drawn through ImDrawList::AddText at [min, max).
void recordText(std::string_view text, ImVec2 min, ImVec2 max);
// A plot canvas and the smallest size its layout accepts.
void recordPlot(std::string_view title, ImVec2 min, ImVec2 max, float minWidth, float minHeight);
// The last ImGui item, under a name for the report ("n", "Run").
void recordItem(std::string_view label);
// An item ImGui added (the executable's ItemAdd wrapper calls this).
void noteItemAdd(const ImVec2& min, const ImVec2& max, unsigned id);

// Installs the hooks on `ctx`: beginFrame at NewFrame, capture of windows and
// glyphs after Render.
void attach(ImGuiContext* ctx);

const std::vector<TextBox>& texts();
const std::vector<PlotBox>& plots();
const std::vector<WindowBox>& windows();
const std::vector<ItemBox>& items();
const std::vector<GlyphRun>& glyphRuns();

// [SECTION] the frame's JSON

struct FrameInfo {
  std::string view, theme;
  float fontPx = 0;
  int width = 0, height = 0;  // the framebuffer
};

// Everything above as one JSON document; `viewJson` (the shown view's
// own boxes, for Access also its grids; may be empty) goes under "view_record" as it is.
std::string toJson(const FrameInfo& info, const std::string& viewJson);

}  // namespace cachescope::app::layout
