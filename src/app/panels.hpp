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
// Theme, text size, fullscreen (app_controls.cpp): the Display popup.
void drawDisplayOptions(UiState& state);
// The Display button and its popup (widgets.cpp), and its width.
void drawDisplayButton(UiState& state);
float displayButtonWidth();
void drawTimingsView(UiState& state, const Snapshot& snap);
void drawCacheView(UiState& state, const Snapshot& snap, const ProgressView& progress);
void drawRooflineView(UiState& state, const Snapshot& snap);
void drawAccessView(UiState& state, const Snapshot& snap, const ProgressView& progress);   // view_access.cpp
void drawThreadsView(UiState& state, const Snapshot& snap, const ProgressView& progress);  // view_threads.cpp
void drawMemoryView(UiState& state, const Snapshot& snap, const ProgressView& progress);   // view_memory.cpp
// The Memory view's probe request for `kind` from its controls, and once per
// frame: a probe tab measures once when first shown (sets state.actions).
Request probeRequest(const UiState& state, ProbeKind kind);
void updateMemoryRequests(UiState& state);
void drawLeaderboardView(UiState& state, const Snapshot& snap);                            // view_leaderboard.cpp
// Once per frame (app_controls.cpp): a finished build of the user's kernel
// is loaded (between jobs), and "run mine again" (state.mine.again) starts
// its rebuild-and-reload, then asks for the rerun (actions.rerunKernel).
void updateUserKernel(UiState& state, bool busy);
// "Run mine again" and what the last rerun gave (rate, or the failure in
// red; with `loadErrors` also a failed rebuild's message): the control
// panel's and the Leaderboard view's.
void drawRunMineAgain(UiState& state, const Snapshot& snap, bool busy, bool loadErrors);
// A user kernel is being built or loaded (scripted runs wait for it).
bool userKernelBusy();
// The user kernel's record of the last rerun (null while none is in).
const BenchRecord* mineRecord(const UiState& state, const Snapshot& snap);
void drawDispatchView(UiState& state, const Snapshot& snap);                               // view_dispatch.cpp
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
// Keeps the next item (`width` wide) on the line of the last one when it
// still fits there, else starts a new line: rows of buttons wrap at large
// fonts instead of running off the edge.
void flowNextItem(float width);
// A heading in the control column.
void sectionHeading(const char* text);
// "1.23 s", "850 ms", "2 min 5 s".
std::string formatSeconds(double s);

}  // namespace cachescope::app
