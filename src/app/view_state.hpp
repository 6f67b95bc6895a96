// The Timings, Access and Threads views' own UI state (part of UiState). GL-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/access_animation.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

// The y axis of the Timings view's bars and sweeps: log when the rates
// shown are 30x or more apart (Auto), or as chosen.
enum class YScaleChoice { Auto, Linear, Log };

struct TimingsViewState {
  YScaleChoice yScale = YScaleChoice::Auto;
  std::string baseline;                   // speedups against it ("": kernelRoles().baseline)
};

struct AccessViewState {
  std::string caches;                     // preset the animation simulates ("": chosen by n)
  std::string l1;                         // SIZE:WAYS:LINE replacing the preset's L1 ("" keep it)
  std::vector<std::string> kernels;       // the sides ("" the registry's pair): animationKernels()
  bool playing = false;
  bool loop = false;
  double t = 0;                           // the shared clock: accesses applied on every side
  double speed = 2000;                    // accesses per second
  std::int64_t pendingStep = -1;          // --set step: applied when the traces arrive
  bool pendingPlay = false;

  std::uint64_t shownRequest = 0;         // AnimationData::request the states below belong to
  std::vector<PlaybackState> states;      // one per side
  std::string postedKey;                  // what the last animation request was for

  std::vector<std::uint8_t> texels;       // scratch for the grid textures
  bool wantLayout = false;                // scripted --layout: describe the grids drawn
  std::string layoutJson;                 // ... of the last frame
};

struct ThreadsViewState {
  std::string postedKey;  // n and threads of the last recording request
};


}  // namespace cachescope::app
