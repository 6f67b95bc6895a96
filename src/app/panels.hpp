// The screen areas of the app, one free function each, one topic file each
// (app_controls.cpp, view_timings.cpp, view_cache.cpp, view_roofline.cpp,
// status_bar.cpp). They read the snapshot and write UiState; they never call
// the worker or GL.
#pragma once

#include <functional>
#include <string>

#include "app/plot_renderer.hpp"
#include "app/ui_state.hpp"
#include "engine/worker.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

void drawControlsPanel(UiState& state, const Snapshot& snap, const ProgressView& progress);
void drawTimingsView(UiState& state, const Snapshot& snap);
void drawCacheView(UiState& state, const Snapshot& snap, const ProgressView& progress);
void drawRooflineView(UiState& state, const Snapshot& snap);
void drawAccessView(UiState& state, const Snapshot& snap, const ProgressView& progress);   // view_access.cpp
void drawThreadsView(UiState& state, const Snapshot& snap, const ProgressView& progress);  // view_threads.cpp
// Once per frame: ask the worker for the Access / Threads view's data when
// the view is shown and its parameters changed (sets state.actions).
void updateAccessRequests(UiState& state);
void updateThreadsRequests(UiState& state);
// The requests those views want, built from their own state (view_cache.cpp,
// view_access.cpp): preset, overrides, policies, kernels, size.
Request cacheRequest(const UiState& state);
Request accessRequest(const UiState& state);
void drawStatusBar(UiState& state, const Snapshot& snap, const ProgressView& progress);

// The whole window: control column, view tabs, status bar.
void drawMainWindow(UiState& state, const Snapshot& snap, const ProgressView& progress);

// --- shared widgets (widgets.cpp) ---------------------------------------
PlotTheme plotTheme(const UiState& state);
// A wrapped tooltip on the last item.
void tooltip(const char* text);
void tooltip(const std::string& text);
// "PNG SVG PDF CSV" buttons that queue an export of `plot` (plot::exportPlot,
// the same files as `--plot`; CSV: plot::toCsv).
// The results behind a plot as text, JSON (true) or CSV (false): report's
// writers, the same bytes the headless command writes for the same records.
using ResultsText = std::function<std::string(bool json)>;
// PNG, SVG, PDF and CSV of the plot; with `results`, also the data as JSON and CSV.
void drawExportButtons(UiState& state, const plot::Plot& plot, const char* stem, const ResultsText& results = {});
// A heading in the control column.
void sectionHeading(const char* text);
// "1.23 s", "850 ms", "2 min 5 s".
std::string formatSeconds(double s);

}  // namespace cachescope::app
