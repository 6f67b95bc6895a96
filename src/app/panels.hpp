// The screen areas of the app, one free function each, one topic file each
// (app_controls.cpp, view_timings.cpp, view_cache.cpp, view_roofline.cpp,
// status_bar.cpp). They read the snapshot and write UiState; they never call
// the worker or GL.
#pragma once

#include "app/plot_renderer.hpp"
#include "app/ui_state.hpp"
#include "app/worker.hpp"

namespace cachescope::app {

void drawControlsPanel(UiState& state, const Snapshot& snap, const ProgressView& progress);
void drawTimingsView(UiState& state, const Snapshot& snap);
void drawCacheView(UiState& state, const Snapshot& snap);
void drawRooflineView(UiState& state, const Snapshot& snap);
void drawStatusBar(UiState& state, const Snapshot& snap, const ProgressView& progress);

// The whole window: control column, view tabs, status bar.
void drawMainWindow(UiState& state, const Snapshot& snap, const ProgressView& progress);

// --- shared widgets (widgets.cpp) ---------------------------------------
PlotTheme plotTheme(const UiState& state);
// A wrapped tooltip on the last item.
void tooltip(const char* text);
void tooltip(const std::string& text);
// "PNG SVG CSV" buttons that queue an export of `plot`.
void drawExportButtons(UiState& state, const plot::Plot& plot, const char* stem);
// A heading in the control column.
void sectionHeading(const char* text);
// "1.23 s", "850 ms", "2 min 5 s".
std::string formatSeconds(double s);

}  // namespace cachescope::app
