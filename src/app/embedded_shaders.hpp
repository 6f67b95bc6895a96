// GLSL sources from the top-level shaders/ folder, compiled into the binary
// by shaders/embed_shaders.cmake (src/app/CMakeLists.txt runs it whenever a
// shader file changes).
#pragma once

namespace cachescope::app {

// The text of shaders/<name> ("cell_grid.frag"), or nullptr.
const char* embeddedShader(const char* name);

}  // namespace cachescope::app
