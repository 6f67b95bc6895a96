// The Timings, Cache, Access, Threads and Memory views' own UI state (part of UiState). GL-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/access_animation.hpp"
#include "engine/lecture.hpp"
#include "engine/probe_run.hpp"
#include "trace/presets.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

// The y axis of the Timings view's bars and sweeps: log when the rates
// shown are 30x or more apart (Auto), or as chosen.
enum class YScaleChoice { Auto, Linear, Log };

struct TimingsViewState {
  YScaleChoice yScale = YScaleChoice::Auto;
  std::string baseline;                   // speedups against it ("": kernelRoles().baseline)
};

// The hierarchy the Cache view simulates and what it shows.
struct CacheViewState {
  std::string caches;                     // preset ("" the host's)
  std::string l1, l2, l3;                 // SIZE:WAYS:LINE replacing a level, "none" drops L2/L3, "" keep
  std::string replacement, writePolicy;   // "" the preset's (LRU, write-back)
  int missLevel = 0;                      // the level whose three Cs are plotted
  std::string postedKey;                  // what the last simulation request was for
  std::vector<trace::CachePreset> presets;  // listPresets(), read when the view is first drawn
};

struct AccessViewState {
  std::string caches;                     // preset the animation simulates ("": chosen by n)
  std::string l1;                         // SIZE:WAYS:LINE replacing the preset's L1 ("" keep it)
  std::vector<std::string> kernels;       // the sides picked here ("" follow the selection): animationKernels()
  int n = 0;                              // the animation's size (0: animationSize() of the settings' n)
  bool playing = false;
  bool loop = false;
  double t = 0;                           // the shared clock: accesses applied on every side
  double speed = 0;                       // accesses per second (0: playThroughSpeed, about 40 s for the run)
  bool showNotes = false;                 // the caches and caveats line, collapsed by default
  std::string timelineText;               // what the timeline showed this frame (for --layout)
  bool setupInline = true;                // n, caches, kernels shown in the toolbar (false: behind a button)
  std::int64_t pendingStep = -1;          // --set step: applied when the traces arrive
  bool pendingPlay = false;

  std::uint64_t shownRequest = 0;         // AnimationData::request the states below belong to
  std::vector<PlaybackState> states;      // one per side
  std::string postedKey;                  // what the last animation request was for

  std::vector<std::uint8_t> texels;       // scratch for the grid textures
  // Scripted --layout: the shown view describes what it drew (the Access
  // view its grids and boxes; Cache, Roofline, Threads their boxes) in
  // layoutJson, which the app writes beside the screenshot.
  bool wantLayout = false;
  std::string layoutJson;                 // ... of the last frame
};

struct ThreadsViewState {
  std::string postedKey;  // n and threads of the last recording request
};

// The Memory view's controls (view_memory.cpp), copied into its requests.
struct MemoryViewState {
  ProbeKind shown = ProbeKind::Latency;   // the probe tab shown
  bool shownByProgram = true;             // select that tab once (--set probe=)
  std::uint64_t maxBytes = 0;             // largest working set (0: the quick range)
  int threads = 0;                        // bandwidth on 1..threads (0: every core)
  bool simulate = false;
  std::string prefetch = "none";          // the simulator's prefetch model
  bool heatmap = false;                   // the mountain as a heatmap instead of the 3D surface
  float yaw = -0.6f, pitch = 0.45f;       // the surface's camera (SurfaceCamera)
  bool requested[kProbeKinds] = {};       // each probe is measured once when first shown
  // A knee question revealed by lecture mode this frame: the ladder shows the
  // measured knees and, when placed, the class's guess (set each frame by
  // LectureMode::update; null otherwise).
  const Guess* lectureKneeGuess = nullptr;
};

// "Predict first" (issue 13) for a student alone: the Timings view hides its
// rates and the Memory view its latency ladder until a guess is committed,
// then shows the measurement beside the guess. The question and the guess
// are the lecture's (engine/lecture.hpp); a guess belongs to the settings
// (`key`) it was made for: other settings, a new guess.
struct PredictState {
  bool on = false;
  Guess timings;
  std::string timingsKey;
  Guess memory;
  std::string memoryKey;
  int kneeLevel = 1;                      // the level whose knee the ladder question asks for
  std::string pendingGuess;               // --set predict-guess: entered and committed by the first question
  View pendingView = View::Timings;       // ... of this view (--view)
};

// A fresh guess for `q` in the Predict-first state, taking --set
// predict-guess once (view_timings.cpp, view_memory.cpp).
inline Guess freshPredictGuess(PredictState& p, const LectureQuestion& q, View view) {
  Guess g = initialGuess(q);
  if (!p.pendingGuess.empty() && view == p.pendingView) {
    try {
      parseGuess(q, p.pendingGuess, g, "--set predict-guess");
      g.committed = true;
    } catch (const std::exception&) {
      // checkLaunch refused a bad one before the window opened
    }
    p.pendingGuess.clear();
  }
  return g;
}


}  // namespace cachescope::app
