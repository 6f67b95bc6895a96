// The UI's own state: what the user has chosen and what the frame loop has
// to do between frames. Panels read and write it; they never call the worker
// or GL directly but leave requests here (`Actions`), which the frame loop
// carries out after the frame. GL-free.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/debounce.hpp"
#include "engine/settings.hpp"
#include "app/view_state.hpp"
#include "engine/worker.hpp"
#include "plot/plot.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

class CellGridRenderer;  // cell_grid_renderer.hpp (GL)
class SurfaceRenderer;   // surface_renderer.hpp (GL)

// Requests a panel makes during a frame; the loop clears them after acting.
struct Actions {
  bool run = false;            // Run button / auto-rerun
  bool stop = false;
  SweepAxis sweep = SweepAxis::None;  // start a sweep
  bool simulate = false;       // cache view: run the simulation
  bool roofline = false;       // measure the roofline
  bool animate = false;        // access view: record the animation's traces
  bool recordThreads = false;  // threads view: run the registry's threads kernel with tiles recorded
  bool probe = false;          // memory view: run probe `probeKind` (probeRequest)
  ProbeKind probeKind = ProbeKind::Latency;
  bool rebuildFonts = false;   // font size changed (atlas is rebuilt between frames)
  bool applyTheme = false;
  bool toggleFullscreen = false;
  bool screenshot = false;     // F12: the whole window
  bool lecture = false;        // the Lecture tab button / End lecture: enter or leave lecture mode
  std::string rerunKernel;     // "run mine again": re-time this kernel alone (Request::only), the others kept
  std::string screenshotPath;  // empty: a timestamped name
};

// A plot the user asked to export; written between frames.
struct ExportRequest {
  std::string name;    // file stem, e.g. "timings-rates"
  std::string format;  // "png", "svg", "pdf" (plot::exportPlot), "csv"
  plot::Plot plot;     // a copy: the snapshot it came from may be gone by then
  // Data exports ("json", "csv" of results): the text as report's writers
  // made it, the same as the headless command's --format output.
  std::string text;
};

// What a per-level roofline measurement is for: the kernels and parameters
// it simulates.
inline std::string rooflineLevelsKey(const RunSettings& s) {
  std::string key;
  for (const std::string& k : s.kernels) key += k + ",";
  return key + " n=" + std::to_string(s.params.n) + " block=" + std::to_string(s.params.block) +
         " threads=" + std::to_string(s.params.threads) + " bits=" + std::to_string(s.params.bits) +
         " density=" + std::to_string(s.params.density);
}

// "Your own kernel" (app_controls.cpp): the one loaded last, and "run mine
// again" (the control panel's and the Leaderboard view's button): rebuild
// the source when it changed, reload, re-time it alone at the current
// settings beside the built-in kernels' kept results.
struct MineState {
  std::string id;               // "user.NAME" ("" none loaded)
  std::string file;             // what it was loaded from (FILE.cpp or FILE.so)
  bool again = false;           // asked this frame; updateUserKernel starts it
  std::uint64_t request = 0;    // the timing request of the last rerun (0 none)
  RunSettings settings;         // ... and its settings
};

// A run estimated longer than this is announced before it starts.
inline constexpr double kLongRunS = 10;

struct UiState {
  RunSettings settings = defaultRunSettings();
  View view = View::Timings;
  bool viewChangedByProgram = true;  // select the tab once after --view
  Theme theme = Theme::Dark;
  float fontSize = 18.0f;
  bool autoRerun = true;
  SweepAxis sweepAxis = SweepAxis::N;   // the axis the sweep buttons use

  // Auto-rerun: fires once the settings have been still for this long.
  Debouncer debounce{std::chrono::milliseconds(150)};
  RunSettings lastSeen = settings;       // to notice changes
  std::uint64_t lastPosted = 0;          // id of the last timing request

  Actions actions;
  std::vector<ExportRequest> exports;
  std::string exportDir = ".";
  std::string notice;                    // last export / screenshot message
  bool fullscreen = false;
  bool lectureActive = false;            // lecture mode (app/lecture_mode.hpp) is on
  float topReserved = 0;                 // height the lecture band takes above the main window

  TimingsViewState timings;
  CacheViewState cache;
  // The Roofline view's "per level" toggle: a roof per level and each
  // kernel placed by its simulated bytes there; the key (kernels, n,
  // threads) the last such measurement was asked for.
  bool rooflineLevels = false;
  std::string rooflineLevelsKey;
  // The control panel: F9, its << button and the views' >> button fold it
  // away; --set panel=0 starts without it.
  bool panelShown = true;
  float panelBelowH = 0;                 // height of what follows the kernel list (last frame)
  float kernelListContentH = 0;          // height of the kernel list's content (last frame)
  double estimateS = 0;                  // the selected kernels' estimated run time at these settings

  AccessViewState access;
  ThreadsViewState threads;
  CellGridRenderer* grids = nullptr;     // owned by the app; null without GL (tests)
  MemoryViewState memory;
  MineState mine;
  PredictState predict;                  // "Predict first": the Timings and Memory views hide results until a guess
  SurfaceRenderer* surfaces = nullptr;   // the Memory view's 3D mountain; owned by the app, null without GL
};

// Called once per frame with the current time: notices a settings change and,
// when auto-rerun is on and the debounce delay passed, asks for a run.
// Returns true when it set `actions.run`.
bool updateAutoRerun(UiState& state, Debouncer::Clock::time_point now);

}  // namespace cachescope::app
