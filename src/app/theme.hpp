// Look of the app: ImGui colours and sizes for the two themes, and fonts
// loaded at the pixel size in use (sharp text on a projector, unlike
// FontGlobalScale).
#pragma once

#include "engine/settings.hpp"

namespace cachescope::app {

using namespace cachescope::engine;  // the engine's types are the app's vocabulary

inline constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Rebuilds the current ImGui context's font atlas at `px`. DejaVu Sans when
// the file exists, else ImGui's built-in font (a missing file would be an
// ImGui assert, hence an abort). Returns false on the fallback. The renderer's
// font texture must be recreated afterwards.
bool loadFonts(float px);

// Colours and sizes (scaled from the font size) of the current context.
void applyTheme(Theme theme, float fontPx);

}  // namespace cachescope::app
