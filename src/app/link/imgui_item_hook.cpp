// Every ImGui item for the scripted layout check (`gui --layout`): the link
// wraps ImGui::ItemAdd (-Wl,--wrap, src/app/CMakeLists.txt), so each item a
// widget of Debian's prebuilt libimgui.a adds passes through here on its way
// and is recorded with its rectangle (app/layout_record.hpp). ImGui 1.86 has
// no per-item hook outside its test engine, which that build leaves out.
// Recording is off outside scripted runs: one branch per item.
#include <imgui.h>
#include <imgui_internal.h>

#include "app/layout_record.hpp"

// The mangled name of bool ImGui::ItemAdd(const ImRect&, ImGuiID, const ImRect*, ImGuiItemFlags).
extern "C" bool __real__ZN5ImGui7ItemAddERK6ImRectjPS1_i(const ImRect& bb, ImGuiID id, const ImRect* navBb,
                                                          ImGuiItemFlags flags);

extern "C" bool __wrap__ZN5ImGui7ItemAddERK6ImRectjPS1_i(const ImRect& bb, ImGuiID id, const ImRect* navBb,
                                                          ImGuiItemFlags flags) {
  const bool visible = __real__ZN5ImGui7ItemAddERK6ImRectjPS1_i(bb, id, navBb, flags);
  cachescope::app::layout::noteItemAdd(bb.Min, bb.Max, id);
  return visible;
}
