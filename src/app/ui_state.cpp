#include "app/ui_state.hpp"

namespace cachescope::app {

bool updateAutoRerun(UiState& state, Debouncer::Clock::time_point now) {
  if (!(state.settings == state.lastSeen)) {
    state.lastSeen = state.settings;
    state.debounce.touch(now);
  }
  if (!state.autoRerun) {
    state.debounce.cancel();
    return false;
  }
  if (state.debounce.fire(now)) {
    state.actions.run = true;
    return true;
  }
  return false;
}

}  // namespace cachescope::app
