// Layout helpers shared by the Cache, Roofline, Access and Threads views:
// how many columns the view's width allows, plots sized to at least what
// their layout needs (the view scrolls vertically instead of squeezing),
// toolbars that wrap, headings that wrap, and the record of what was placed
// where for the scripted layout check (`gui --layout FILE`, checked by
// tests/gui/view_image_check.cpp: every box inside the view's width, no two
// boxes over each other, plots at least their minimum, tables as wide as
// their text).
//
// [SECTION] sizes
// [SECTION] wrapping widgets
// [SECTION] layout record
#pragma once

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/layout_record.hpp"
#include "app/plot_renderer.hpp"
#include "plot/layout.hpp"

namespace cachescope::app::views {

// [SECTION] sizes

// The narrowest canvas at which `plot` lays out cleanly at the current font
// (plot::minimumSize through plotMinimumSize, in ImGui's font).
inline float plotMinWidth(const plot::Plot& p) { return plotMinimumSize(p).x; }

// Columns of at least `minColumn` pixels that fit `avail` (1 .. most).
inline int columnsFor(float avail, float minColumn, int most) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  int c = int((avail + gap) / (minColumn + gap));
  return std::clamp(c, 1, std::max(1, most));
}

// Width of one of `columns` columns sharing `avail`.
inline float columnWidth(float avail, int columns) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  return std::floor((avail - gap * float(columns - 1)) / float(columns));
}

// [SECTION] wrapping widgets

// Keeps the next item on the line of the last one when `width` still fits
// there, else starts a new line. `spacing` < 0: the style's item spacing.
inline void sameLineIfFits(float width, float spacing = -1) {
  const float gap = spacing < 0 ? ImGui::GetStyle().ItemSpacing.x : spacing;
  const float right = ImGui::GetItemRectMax().x + gap;
  const float limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right + width <= limit) ImGui::SameLine(0, spacing);
}

// A heading in the view's accent colour that wraps at the column's right
// edge (never cut).
inline void heading(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

// Wrapped text in the disabled colour (notes, captions).
inline void note(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

// [SECTION] layout record

// What one view placed where in a frame, as JSON for `--layout` (written
// only when the scripted run asks for it). `content` is the view's visible
// region (its window's clip rectangle) in screen pixels.
class BoxRecord {
 public:
  explicit BoxRecord(bool on) : on_(on) {
    if (!on_) return;
    const ImVec2 p = ImGui::GetWindowPos();
    const ImVec2 a = ImGui::GetWindowContentRegionMin(), b = ImGui::GetWindowContentRegionMax();
    content_[0] = p.x + a.x;
    content_[1] = p.y + a.y;
    content_[2] = p.x + b.x;
    content_[3] = p.y + ImGui::GetWindowHeight();
  }
  bool on() const { return on_; }

  // `needW` / `needH`: the least the box must have (a plot's minimum, a
  // table's text); 0 none.
  void add(const char* kind, const std::string& name, ImVec2 min, ImVec2 max, float needW = 0, float needH = 0) {
    if (!on_) return;
    boxes_.push_back({kind, name, min, max, needW, needH});
  }
  // The last ImGui item.
  void addItem(const char* kind, const std::string& name, float needW = 0, float needH = 0) {
    add(kind, name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), needW, needH);
  }

  std::string json(const char* view, const std::string& extra = "") const {
    std::ostringstream os;
    os << "{\n  \"view\": \"" << view << "\", \"font_size\": " << ImGui::GetFontSize() << ",\n  \"content\": ["
       << content_[0] << ", " << content_[1] << ", " << content_[2] << ", " << content_[3] << "],\n" << extra
       << "  \"boxes\": [\n";
    for (std::size_t i = 0; i < boxes_.size(); ++i) {
      const Box& b = boxes_[i];
      os << "    {\"kind\": \"" << b.kind << "\", \"name\": \"" << escape(b.name) << "\", \"x0\": " << b.min.x
         << ", \"y0\": " << b.min.y << ", \"x1\": " << b.max.x << ", \"y1\": " << b.max.y << ", \"need_w\": " << b.needW
         << ", \"need_h\": " << b.needH << "}" << (i + 1 < boxes_.size() ? ",\n" : "\n");
    }
    os << "  ]\n}\n";
    return os.str();
  }

 private:
  struct Box {
    std::string kind, name;
    ImVec2 min, max;
    float needW, needH;
  };
  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out;
  }
  bool on_;
  float content_[4] = {};
  std::vector<Box> boxes_;
};

// A plot `width` wide and `height` tall, but never below the size its layout
// needs (the view scrolls); recorded as a box with that minimum.
inline void plotBox(const plot::Plot& p, const char* id, float width, float height, const PlotTheme& theme,
                    BoxRecord& rec) {
  const ImVec2 min = plotMinimumSize(p, width);
  const float w = std::max(width, min.x), h = std::max(height, min.y);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  drawPlot(p, id, ImVec2(w, h), theme);  // records the canvas in layout_record
  rec.add("plot", p.title, p0, ImVec2(p0.x + w, p0.y + h), min.x, min.y);
}

// Text drawn with a draw list, recorded for the layout check.
inline void drawListText(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& text, BoxRecord* rec = nullptr) {
  dl->AddText(pos, color, text.c_str());
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  layout::recordText(text, pos, ImVec2(pos.x + size.x, pos.y + size.y));
  if (rec) rec->add("text", text, pos, ImVec2(pos.x + size.x, pos.y + size.y));
}

}  // namespace cachescope::app::views
