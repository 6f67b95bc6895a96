// The ImGui draw-list renderer of plot::Plot (the SVG writer in src/plot is
// the other one). Every chart of the app goes through here; hovering shows
// the nearest point's values.
#pragma once

#include <string>

#include <imgui.h>

#include "plot/layout.hpp"
#include "plot/plot.hpp"

namespace cachescope::app {

struct PlotTheme {
  ImU32 background, frame, grid, axis, text, textDim, legendBg;
  // The app draws plots on the window's own background: under a software
  // rasterizer (Xvfb, llvmpipe) every full-area fill costs milliseconds.
  bool fill = true;
};

PlotTheme darkPlotTheme();
PlotTheme lightPlotTheme();

// Draws into `dl` inside [p0, p1]. With `mouse` inside the plot area,
// highlights the nearest point and returns its read-out in `hover`.
void renderPlot(ImDrawList* dl, const plot::Plot& plot, ImVec2 p0, ImVec2 p1, const PlotTheme& theme,
                const ImVec2* mouse = nullptr, std::string* hover = nullptr);

// Text widths in the current ImGui font (what the layout measures with).
plot::TextWidthFn imguiTextWidth();

// The smallest canvas at the current font size at which the plot lays out
// without overlap, in ImGui's font: x the minimum width, y the minimum
// height at `width` (or at the minimum width when `width` is narrower).
// Remembered per plot, font size and width.
ImVec2 plotMinimumSize(const plot::Plot& plot, float width = 0);

// An ImGui item of `size` (grown to plotMinimumSize: the view scrolls rather
// than squeezing) showing the plot, with a tooltip read-out on hover. Every
// text it draws and the canvas go to the layout record (layout_record.hpp).
void drawPlot(const plot::Plot& plot, const char* id, ImVec2 size, const PlotTheme& theme);

// 0xRRGGBBAA -> ImGui colour.
inline ImU32 toImColor(plot::Color c) {
  return IM_COL32((c >> 24) & 0xff, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff);
}

}  // namespace cachescope::app
