// PNG of a plot without showing a window: a hidden GLFW window's OpenGL
// context, a private ImGui context, the app's plot renderer into an
// off-screen framebuffer, glReadPixels, stb. `cachescope bench --plot x.png`
// and the app's PNG export both use it, so the PNG matches the screen (in the
// light theme, as the SVG).
#pragma once

#include <string>

#include "plot/plot.hpp"

// In namespace cachescope (not app) so that the CLI's plot output finds it
// by plain name.
namespace cachescope {

// Throws DisplayError (a std::runtime_error) with a clear message when no
// OpenGL context can be created (no display: write SVG instead), FileError
// when the file cannot be written, std::invalid_argument for a size outside
// 16..8192. Restores the caller's GL and ImGui contexts.
void writePlotPng(const cachescope::plot::Plot& plot, const std::string& path, int width, int height);

namespace app {
using cachescope::writePlotPng;
}

}  // namespace cachescope
