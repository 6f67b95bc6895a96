// The frame's record of windows, items, glyphs, draw-list text and plot
// canvases (layout_record.hpp).
//
// [SECTION] state
// [SECTION] recording
// [SECTION] windows
// [SECTION] glyphs
// [SECTION] hooks
// [SECTION] JSON
#include "app/layout_record.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <imgui_internal.h>
#include <nlohmann/json.hpp>

namespace cachescope::app::layout {

namespace {

// [SECTION] state

bool gEnabled = false;
std::vector<TextBox> gTexts;
std::vector<PlotBox> gPlots;
std::vector<WindowBox> gWindows;
std::vector<ItemBox> gItems;
std::vector<GlyphRun> gRuns;

std::string windowName(const ImGuiWindow* w) { return w ? std::string(w->Name) : std::string(); }

}  // namespace

// [SECTION] recording

void setEnabled(bool on) { gEnabled = on; }
bool enabled() { return gEnabled; }

void beginFrame() {
  gTexts.clear();
  gPlots.clear();
  gWindows.clear();
  gItems.clear();
  gRuns.clear();
}

void recordText(std::string_view text, ImVec2 min, ImVec2 max) {
  if (!gEnabled) return;
  TextBox box{std::string(text), min, max, {}, {}};
  if (ImGuiWindow* w = ImGui::GetCurrentWindowRead()) {
    box.clipMin = w->DrawList->GetClipRectMin();
    box.clipMax = w->DrawList->GetClipRectMax();
  }
  gTexts.push_back(std::move(box));
}

void recordPlot(std::string_view title, ImVec2 min, ImVec2 max, float minWidth, float minHeight) {
  if (!gEnabled) return;
  gPlots.push_back({std::string(title), min, max, minWidth, minHeight});
}

void recordItem(std::string_view label) {
  if (!gEnabled) return;
  gItems.push_back({std::string(label), windowName(ImGui::GetCurrentWindowRead()), ImGui::GetItemID(),
                    ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
}

void noteItemAdd(const ImVec2& min, const ImVec2& max, unsigned id) {
  if (!gEnabled) return;
  gItems.push_back({"", windowName(ImGui::GetCurrentWindowRead()), id, min, max});
}

namespace {

// [SECTION] windows

void captureWindows(ImGuiContext& g) {
  for (ImGuiWindow* w : g.Windows) {
    if (!w->Active || w->Hidden) continue;
    // The implicit "Debug" window exists every frame, drawn only when used.
    if (std::string_view(w->Name).rfind("Debug##", 0) == 0 && !w->WriteAccessed) continue;
    WindowBox b;
    b.name = w->Name;
    b.parent = windowName(w->ParentWindow);
    b.min = w->Pos;
    b.max = ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y);
    b.clipMin = w->InnerClipRect.Min;
    b.clipMax = w->InnerClipRect.Max;
    b.contentMin = w->DC.CursorStartPos;
    b.contentMax = w->DC.CursorMaxPos;
    b.scrollX = w->ScrollbarX;
    b.scrollY = w->ScrollbarY;
    gWindows.push_back(std::move(b));
  }
}

// [SECTION] glyphs

void appendUtf8(std::string& s, unsigned c) {
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xC0 | (c >> 6));
    s += char(0x80 | (c & 0x3F));
  } else {
    s += char(0xE0 | (c >> 12));
    s += char(0x80 | ((c >> 6) & 0x3F));
    s += char(0x80 | (c & 0x3F));
  }
}

struct GlyphIndex {
  std::map<std::pair<float, float>, const ImFontGlyph*> byUv;  // (U0, V0)
  std::vector<const ImFontGlyph*> all;
  std::map<const ImFontGlyph*, float> bakedPx;  // the size each glyph's font was baked at
};

GlyphIndex indexGlyphs() {
  GlyphIndex ix;
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  for (ImFont* f : atlas->Fonts) {
    for (const ImFontGlyph& gl : f->Glyphs) {
      if (!gl.Visible) continue;
      ix.byUv[{gl.U0, gl.V0}] = &gl;
      ix.all.push_back(&gl);
      ix.bakedPx[&gl] = f->FontSize;
    }
  }
  return ix;
}

struct Quad {
  ImVec2 min, max;  // bounding box of the four corners
  const ImFontGlyph* glyph = nullptr;
  bool partial = false;  // its texture rectangle is a part of the glyph's: clipped on the CPU
  bool partialX = false;
};

// The glyph a textured quad shows, if any: exact texture corners, or (a
// glyph clipped to its frame on the CPU) a part of one glyph's rectangle.
const ImFontGlyph* glyphOf(const GlyphIndex& ix, ImVec2 uv0, ImVec2 uv1, bool& partial, bool& partialX) {
  partial = partialX = false;
  if (uv0.x == uv1.x || uv0.y == uv1.y) return nullptr;  // a solid fill (white pixel)
  if (auto it = ix.byUv.find({uv0.x, uv0.y}); it != ix.byUv.end() && it->second->U1 == uv1.x && it->second->V1 == uv1.y)
    return it->second;
  const float ux0 = std::min(uv0.x, uv1.x), ux1 = std::max(uv0.x, uv1.x);
  const float uy0 = std::min(uv0.y, uv1.y), uy1 = std::max(uv0.y, uv1.y);
  for (const ImFontGlyph* gl : ix.all) {
    if (ux0 >= gl->U0 && ux1 <= gl->U1 && uy0 >= gl->V0 && uy1 <= gl->V1) {
      partial = true;
      partialX = (ux1 - ux0) < (gl->U1 - gl->U0) * 0.98f;
      return gl;
    }
  }
  return nullptr;
}

void captureGlyphs(const ImDrawData* dd) {
  if (!dd) return;
  const GlyphIndex ix = indexGlyphs();
  if (ix.all.empty()) return;
  const ImTextureID fontTex = ImGui::GetIO().Fonts->TexID;
  for (int l = 0; l < dd->CmdListsCount; ++l) {
    const ImDrawList* list = dd->CmdLists[l];
    const std::string owner = list->_OwnerName ? list->_OwnerName : "";
    const ImDrawIdx* idx = list->IdxBuffer.Data;
    const ImDrawVert* vtx = list->VtxBuffer.Data;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != fontTex) continue;
      const ImVec4 clip = cmd.ClipRect;
      GlyphRun run;
      float lastX1 = 0, lastTop = 0, lastScale = 1;
      ImVec4 word(0, 0, 0, 0);
      bool haveWord = false;
      auto flush = [&] {
        if (haveWord) run.words.push_back(word);
        haveWord = false;
        if (!run.text.empty()) {
          run.window = owner;
          run.clipMin = ImVec2(clip.x, clip.y);
          run.clipMax = ImVec2(clip.z, clip.w);
          gRuns.push_back(std::move(run));
        }
        run = GlyphRun{};
      };
      const unsigned end = cmd.IdxOffset + cmd.ElemCount;
      for (unsigned i = cmd.IdxOffset; i + 3 <= end;) {
        const unsigned a = cmd.VtxOffset + idx[i];
        const bool quad = i + 6 <= end && idx[i + 1] == idx[i] + 1 && idx[i + 2] == idx[i] + 2 &&
                          idx[i + 3] == idx[i] && idx[i + 4] == idx[i] + 2 && idx[i + 5] == idx[i] + 3;
        if (!quad) {
          flush();
          i += 3;
          continue;
        }
        const ImDrawVert* v = vtx + a;
        bool partial = false, partialX = false;
        const ImFontGlyph* gl = glyphOf(ix, v[0].uv, v[2].uv, partial, partialX);
        if (!gl) {
          flush();
          i += 6;
          continue;
        }
        ImVec2 mn = v[0].pos, mx = v[0].pos;
        for (int c = 1; c < 4; ++c) {
          mn = ImVec2(std::min(mn.x, v[c].pos.x), std::min(mn.y, v[c].pos.y));
          mx = ImVec2(std::max(mx.x, v[c].pos.x), std::max(mx.y, v[c].pos.y));
        }
        // The pixel size: the quad against the glyph's baked height.
        const float gh = gl->Y1 - gl->Y0;
        const float scale = !partial && gh > 0 ? (mx.y - mn.y) / gh : lastScale;
        const float px = ix.bakedPx.at(gl) * scale;
        const float top = mn.y - gl->Y0 * scale;  // the line's top: equal for the glyphs of one line
        const float space = px * 0.25f;
        if (!run.text.empty() && (std::fabs(top - lastTop) > 1.5f || mn.x < lastX1 - space || mn.x > lastX1 + px * 1.2f))
          flush();
        if (!run.text.empty() && mn.x > lastX1 + space) {
          run.text += ' ';
          if (haveWord) run.words.push_back(word);
          haveWord = false;
        }
        if (run.text.empty()) {
          run.min = mn;
          run.max = mx;
          run.fontPx = px;
        }
        appendUtf8(run.text, gl->Codepoint);
        run.min = ImVec2(std::min(run.min.x, mn.x), std::min(run.min.y, mn.y));
        run.max = ImVec2(std::max(run.max.x, mx.x), std::max(run.max.y, mx.y));
        // Glyph boxes carry a pixel of padding: the ink is inside.
        const ImVec4 ink(mn.x + 1, mn.y + 1, mx.x - 1, mx.y - 1);
        word = haveWord ? ImVec4(std::min(word.x, ink.x), std::min(word.y, ink.y), std::max(word.z, ink.z),
                                 std::max(word.w, ink.w))
                        : ink;
        haveWord = true;
        // Cut: the glyph crosses the clip's left or right edge where it is
        // visible at all, or was trimmed to it on the CPU.
        const bool visibleY = mx.y > clip.y && mn.y < clip.w;
        const bool acrossLeft = mn.x < clip.x - 0.5f && mx.x > clip.x + 1.5f;
        const bool acrossRight = mn.x < clip.z - 1.5f && mx.x > clip.z + 0.5f;
        if (visibleY && (acrossLeft || acrossRight || partialX)) run.cut = true;
        lastX1 = mx.x;
        lastTop = top;
        lastScale = scale;
        i += 6;
      }
      flush();
    }
  }
}

// [SECTION] hooks

void onNewFrame(ImGuiContext*, ImGuiContextHook*) { beginFrame(); }

void onRendered(ImGuiContext* ctx, ImGuiContextHook*) {
  if (!gEnabled) return;
  captureWindows(*ctx);
  captureGlyphs(ImGui::GetDrawData());
}

nlohmann::json vec(ImVec2 a, ImVec2 b) { return {a.x, a.y, b.x, b.y}; }

}  // namespace

void attach(ImGuiContext* ctx) {
  ImGuiContextHook pre;
  pre.Type = ImGuiContextHookType_NewFramePre;
  pre.Callback = onNewFrame;
  ImGui::AddContextHook(ctx, &pre);
  ImGuiContextHook post;
  post.Type = ImGuiContextHookType_RenderPost;
  post.Callback = onRendered;
  ImGui::AddContextHook(ctx, &post);
}

const std::vector<TextBox>& texts() { return gTexts; }
const std::vector<PlotBox>& plots() { return gPlots; }
const std::vector<WindowBox>& windows() { return gWindows; }
const std::vector<ItemBox>& items() { return gItems; }
const std::vector<GlyphRun>& glyphRuns() { return gRuns; }

// [SECTION] JSON

std::string toJson(const FrameInfo& info, const std::string& accessJson) {
  nlohmann::json j;
  j["frame"] = {{"view", info.view}, {"theme", info.theme}, {"font_px", info.fontPx},
                {"width", info.width}, {"height", info.height}};
  auto& ws = j["windows"] = nlohmann::json::array();
  for (const WindowBox& w : gWindows)
    ws.push_back({{"name", w.name}, {"parent", w.parent}, {"rect", vec(w.min, w.max)},
                  {"visible", vec(w.clipMin, w.clipMax)}, {"content", vec(w.contentMin, w.contentMax)},
                  {"content_size", {w.contentMax.x - w.contentMin.x, w.contentMax.y - w.contentMin.y}},
                  {"scroll_x", w.scrollX}, {"scroll_y", w.scrollY}});
  auto& is = j["items"] = nlohmann::json::array();
  for (const ItemBox& it : gItems)
    is.push_back({{"label", it.label}, {"window", it.window}, {"id", it.id}, {"rect", vec(it.min, it.max)}});
  auto& gs = j["glyph_runs"] = nlohmann::json::array();
  for (const GlyphRun& r : gRuns) {
    nlohmann::json words = nlohmann::json::array();
    for (const ImVec4& w : r.words) words.push_back({w.x, w.y, w.z, w.w});
    gs.push_back({{"text", r.text}, {"window", r.window}, {"rect", vec(r.min, r.max)},
                  {"clip", vec(r.clipMin, r.clipMax)}, {"cut", r.cut}, {"font_px", r.fontPx}, {"words", words}});
  }
  auto& ts = j["texts"] = nlohmann::json::array();
  for (const TextBox& t : gTexts)
    ts.push_back({{"text", t.text}, {"rect", vec(t.min, t.max)}, {"clip", vec(t.clipMin, t.clipMax)}});
  auto& ps = j["plots"] = nlohmann::json::array();
  for (const PlotBox& p : gPlots)
    ps.push_back({{"title", p.title}, {"rect", vec(p.min, p.max)}, {"min_width", p.minWidth},
                  {"min_height", p.minHeight}});
  if (!accessJson.empty()) {
    try {
      j["view_record"] = nlohmann::json::parse(accessJson);
    } catch (const nlohmann::json::exception& e) {
      j["view_record_error"] = e.what();
    }
  }
  return j.dump(1) + "\n";
}

}  // namespace cachescope::app::layout
