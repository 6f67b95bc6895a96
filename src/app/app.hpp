// The desktop app's entry point (`cachescope` / `cachescope gui`).
#pragma once

#include "engine/settings.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

// Opens the window and runs until it is closed, or, with options.frames >= 0,
// until the results the launch settings trigger are in and that many more
// frames are drawn (then writes the screenshot and frame times). Returns the
// exit code. Throws DisplayError when no window can be opened, UsageError /
// FileError for bad options.
int runApp(const LaunchOptions& options);

}  // namespace cachescope::app
