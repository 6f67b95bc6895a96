// Look of the app: ImGui colours and sizes for the two themes, and fonts
// loaded at the pixel size in use (sharp text on a projector, unlike
// FontGlobalScale).
#pragma once

#include <cstddef>

#include <imgui.h>

#include "engine/settings.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

inline constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Rebuilds the current ImGui context's font atlas at `px`. DejaVu Sans when
// the file exists, else ImGui's built-in font (a missing file would be an
// ImGui assert, hence an abort). Returns false on the fallback. The renderer's
// font texture must be recreated afterwards.
bool loadFonts(float px);

// The colours of the memory levels, one definition for every view that
// shows where data live: 0 = L1, 1 = L2, 2 = L3, 3 = memory (DRAM); larger
// values are memory too. Green, yellow, orange, red: "near to far" reads
// without the legend, the four differ in lightness as well as hue (so they
// stay apart under deuteranopia and on a washed-out projector). The Access
// view's cells and hit-rate bars, the Memory view's mountain, heatmap level
// lines and level legend all use these.
ImVec4 levelColor(std::size_t level);

// Colours and sizes (scaled from the font size) of the current context.
void applyTheme(Theme theme, float fontPx);

}  // namespace cachescope::app
