// The Access view: up to three traced kernels (the selected ones at first,
// any other from the pickers), one after another on one clock, each access of their traced loop nests played
// back on their buffers (A, B, C, a tile copy, packed panels, CSR arrays)
// drawn as cell grids by our shaders (cell_grid_renderer.cpp):
// the colour of a cell is the level that served its last access, a fresh
// touch lights its centre in the glow colour, an outline runs around the
// cells whose line is in L1. Every colour on a grid is in the legend.
//
// It plays at its own size (animationSize: the settings' n while small, else
// n = 32) on a teaching cache chosen by n, at a speed that plays the run
// through in about 40 s, so it opens on a grid that fills as it plays.
//
// The traces are recorded on the worker (Worker::runAnimation); this file
// only rolls the prepared playback states forward (access_animation.hpp).
//
// [SECTION] requests
// [SECTION] colours and legend
// [SECTION] kernel pickers
// [SECTION] transport (play, step, speed, timeline)
// [SECTION] one side: grids, indices, hit rates, code
// [SECTION] view
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "app/cell_grid_renderer.hpp"
#include "app/panels.hpp"
#include "app/theme.hpp"
#include "app/view_layout.hpp"
#include "report/numbers.hpp"
#include "trace/presets.hpp"

namespace cachescope::app {

namespace {

// [SECTION] requests

using views::sameLineIfFits;

int shownN(const UiState& state) { return animationSize(state.access.n, state.settings.params.n); }

// The sides: the kernels picked here, else the selection's traced ones.
std::vector<std::string> shownKernels(const UiState& state) {
  return state.access.kernels.empty() ? followedAnimationKernels(state.settings.kernels)
                                      : animationKernels(state.access.kernels);
}

std::string shortName(const std::string& id) { return id.substr(id.find('.') + 1); }

std::string animationKey(const UiState& state) {
  const int n = shownN(state);
  std::string key = std::to_string(n) + "/" + std::to_string(animationBlock(state.settings.params.block, n)) + "/" +
                    animationCaches(state.access.caches, n) + "/" + state.access.l1 + "/" +
                    std::to_string(state.settings.params.density);
  for (const std::string& k : shownKernels(state)) key += "/" + k;
  return key;
}

// Accesses per second: the chosen speed, else one that plays the longest
// side through in about 40 s.
double playSpeed(const AccessViewState& v, const AnimationData& data) {
  return v.speed > 0 ? v.speed : playThroughSpeed(data.length());
}

// How long a touch stays marked fresh, in accesses: a short trail behind
// the current access (at most 256 cells, or the grid would be all glow).
double freshFor(double speed) { return std::clamp(speed * 0.1, 6.0, 256.0); }

// [SECTION] colours and legend

struct Colors {
  GridPalette grid;
  ImU32 levelU32[4];
  bool light = false;  // light theme: dark text over the hit-rate bars
};

Colors colorsFor(Theme theme) {
  Colors c;
  c.light = theme == Theme::Light;
  GridPalette& p = c.grid;
  // The shared level palette (theme.hpp): green, yellow, orange, red.
  for (std::size_t l = 0; l < 4; ++l) p.level[l] = levelColor(l);
  if (theme == Theme::Light) {
    p.untouched = ImVec4(0.84f, 0.85f, 0.88f, 1);
    p.glow = ImVec4(0.20f, 0.45f, 1.00f, 1);
    p.resident = ImVec4(0.02f, 0.02f, 0.05f, 1);
    p.current = ImVec4(0.85f, 0.05f, 0.75f, 1);
    p.gap = ImVec4(0.97f, 0.97f, 0.98f, 1);
  } else {
    p.untouched = ImVec4(0.20f, 0.22f, 0.26f, 1);
    p.glow = ImVec4(1.00f, 1.00f, 1.00f, 1);
    p.resident = ImVec4(0.35f, 0.85f, 1.00f, 1);
    p.current = ImVec4(1.00f, 0.25f, 0.90f, 1);
    p.gap = ImVec4(0.09f, 0.10f, 0.12f, 1);
  }
  for (int i = 0; i < 4; ++i) c.levelU32[i] = ImGui::ColorConvertFloat4ToU32(p.level[std::size_t(i)]);
  return c;
}

// A colour chip and its label; after the first (`first`), on the same line
// where both fit.
// `limit`: the right edge the chips wrap at (screen x).
void legendChip(float limit, ImU32 fill, ImU32 outline, const char* label, const char* tip, bool first = false,
                ImU32 centre = 0) {
  const float fs = ImGui::GetFontSize();
  if (!first && ImGui::GetItemRectMax().x + fs + fs * 1.35f + ImGui::CalcTextSize(label).x <= limit) ImGui::SameLine(0, fs);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float y = p.y + (ImGui::GetFrameHeight() - fs) * 0.5f;
  dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + fs, y + fs), fill);
  if (outline) dl->AddRect(ImVec2(p.x, y), ImVec2(p.x + fs, y + fs), outline, 0, 0, std::max(2.0f, fs * 0.14f));
  if (centre) dl->AddRectFilled(ImVec2(p.x + fs * 0.3f, y + fs * 0.3f), ImVec2(p.x + fs * 0.7f, y + fs * 0.7f), centre);
  ImGui::Dummy(ImVec2(fs * 1.25f, ImGui::GetFrameHeight()));
  ImGui::SameLine(0, fs * 0.1f);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  tooltip(tip);
}

void drawLegend(const Colors& c, const AnimationData& data, float limit) {
  const std::vector<std::string> names =
      data.sides.empty() ? std::vector<std::string>{"L1", "L2", "L3"} : data.sides.front()->levelNames;
  const char* tips[] = {"Served by the first level: the line was already in L1 (a hit).",
                        "Missed L1, found in L2.", "Missed L1 and L2, found in L3.",
                        "Missed every cache: fetched from memory."};
  for (std::size_t l = 0; l < names.size() && l < 3; ++l)
    legendChip(limit, c.levelU32[l], 0, names[l].c_str(), tips[l], l == 0);
  legendChip(limit, c.levelU32[3], 0, "memory", tips[3]);
  legendChip(limit, ImGui::ColorConvertFloat4ToU32(c.grid.untouched), 0, "untouched", "Not accessed yet.");
  legendChip(limit, ImGui::ColorConvertFloat4ToU32(c.grid.untouched), ImGui::ColorConvertFloat4ToU32(c.grid.resident),
             "in L1", "The outline runs around the cells whose cache line is in L1 right now.");
  legendChip(limit, c.levelU32[0], 0, "just touched",
             "The centre of a cell lights up in this colour for a short while after it is accessed (the whole cell "
             "when cells are small); around it, the colour of the level that served it.",
             false, ImGui::ColorConvertFloat4ToU32(c.grid.glow));
  legendChip(limit, ImGui::ColorConvertFloat4ToU32(c.grid.untouched), ImGui::ColorConvertFloat4ToU32(c.grid.current),
             "this access", "The element the current access reads or writes.");
}

// [SECTION] kernel pickers

// One combo per side (up to three): any traced kernel of the registry. They
// start from the selection's traced kernels; picking one here fixes the
// list until "follow the selection" is chosen again.
void drawKernelPickers(UiState& state) {
  AccessViewState& v = state.access;
  const float fs = ImGui::GetFontSize();
  std::vector<std::string> shown = shownKernels(state);
  const char* labels[] = {"##first", "##second", "##third"};
  for (std::size_t side = 0; side < kMaxAnimationSides; ++side) {
    if (side >= shown.size() && side != shown.size()) break;
    const bool add = side == shown.size();
    const std::string current = add ? std::string("+") : shortName(shown[side]);
    const float width = add ? fs * 2.4f : ImGui::CalcTextSize(current.c_str()).x + fs * 2.2f;
    sameLineIfFits(width);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(labels[side], current.c_str(), add ? ImGuiComboFlags_NoArrowButton : 0)) {
      if (ImGui::Selectable("follow the selection", v.kernels.empty())) v.kernels.clear();
      tooltip("The traced kernels ticked on the left, in order (up to three).");
      if (!add && shown.size() > 1 && ImGui::Selectable("(remove)")) {
        shown.erase(shown.begin() + std::ptrdiff_t(side));
        v.kernels = shown;
      }
      for (const Kernel& k : kernels()) {
        if (!k.traceable()) continue;
        if (ImGui::Selectable(k.info.id.c_str(), !add && k.info.id == shown[side])) {
          if (add) shown.push_back(k.info.id);
          else shown[side] = k.info.id;
          v.kernels = shown;
        }
        tooltip(k.info.title + ": " + k.trace->note);
      }
      ImGui::EndCombo();
    }
    tooltip(add ? "Add a kernel to compare (it plays on the same clock)."
                : "The kernel of this row: any kernel with a traced loop nest" +
                      std::string(v.kernels.empty() ? " (now: following the selection on the left)." : "."));
  }
}

// [SECTION] transport (play, step, speed, timeline)

// L1 size and ways over the preset's (its line size kept): what changes when
// L1 is doubled, or made direct-mapped.
void drawL1Override(AccessViewState& v, const AnimationData& data) {
  const float fs = ImGui::GetFontSize();
  if (data.spec.cache.levels.empty()) return;
  const sim::LevelConfig& shown = data.spec.cache.levels.front();
  const std::string label = v.l1.empty() ? "L1: preset" : "L1: " + v.l1;
  const float width = ImGui::CalcTextSize(label.c_str()).x + fs * 2.2f;
  sameLineIfFits(width);
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo("##l1", label.c_str())) {
    if (ImGui::Selectable("as preset", v.l1.empty())) v.l1.clear();
    const std::uint32_t line = shown.lineBytes;
    for (std::uint64_t size = 256; size <= 64 * 1024; size *= 2)
      for (std::uint32_t ways : {1u, 2u, 4u, 8u}) {
        if (size < std::uint64_t(ways) * line) continue;
        const std::string spec = (size >= 1024 ? std::to_string(size / 1024) + "K" : std::to_string(size)) + ":" +
                                 std::to_string(ways) + ":" + std::to_string(line);
        const std::string text = spec + (ways == 1 ? "  (direct-mapped)" : "");
        if (ImGui::Selectable(text.c_str(), spec == v.l1)) v.l1 = spec;
      }
    ImGui::EndCombo();
  }
  tooltip("Override the first level: size, ways, the preset's line size (SIZE:WAYS:LINE, as --l1 of cachescope "
          "simulate). Now: " + sim::describe(shown));
}

// The animation's setup: its n, the caches, the L1 override, the kernels.
void drawSetup(UiState& state, const AnimationData& data) {
  AccessViewState& v = state.access;
  const float fs = ImGui::GetFontSize();
  bool first = true;
  auto place = [&](float width) {
    if (!first) sameLineIfFits(width);
    first = false;
  };
  // n: the animation's own size.
  {
    const int n = shownN(state);
    const std::string label = "n=" + std::to_string(n);
    const float width = ImGui::CalcTextSize(label.c_str()).x + fs * 2.2f;
    place(width);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##animn", label.c_str())) {
      for (int size : {8, 16, 24, 32, 48, 64, 96, 128}) {
        if (ImGui::Selectable(std::to_string(size).c_str(), size == n)) v.n = size;
      }
      if (ImGui::Selectable("as the n slider (up to 64)", v.n == 0)) v.n = 0;
      ImGui::EndCombo();
    }
    tooltip("The size animated. It follows the n slider up to n = 64; above, it plays n = 32, which plays through "
            "in seconds on the teaching caches (n = 512 would take hours and leave the grid nearly empty).");
  }
  {
    const int n = shownN(state);
    const std::string current = v.caches.empty() ? animationCaches(v.caches, n) + " (auto)" : v.caches;
    const float width = ImGui::CalcTextSize(current.c_str()).x + fs * 2.2f;
    sameLineIfFits(width);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##caches", current.c_str())) {
      if (ImGui::Selectable("auto (by n)", v.caches.empty())) v.caches.clear();
      tooltip("teaching-tiny up to n = 32, teaching-small up to n = 128, this machine's caches above.");
      for (const trace::CachePreset& p : trace::listPresets()) {
        if (ImGui::Selectable(p.name.c_str(), p.name == v.caches)) v.caches = p.name;
        tooltip(p.description.empty() ? p.name : p.description);
      }
      ImGui::EndCombo();
    }
    tooltip("Cache hierarchy simulated (assets/caches). teaching-small and teaching-tiny are scaled down so n = 32..64 "
            "shows what n = 1000 does on a real machine.");
  }
  drawL1Override(v, data);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("kernels:");
  tooltip("Which traced kernels play, one row each, on one clock.");
  drawKernelPickers(state);
}

// Row 1: Play, Step, Iteration, Restart and the timeline; row 2 (wrapping):
// speed, loop, the setup (or a button opening it) and the notes toggle.
void drawTransport(UiState& state, const AnimationData& data, std::size_t notes) {
  AccessViewState& v = state.access;
  const float fs = ImGui::GetFontSize();
  const std::uint64_t length = data.length();
  if (ImGui::Button(v.playing ? "Pause" : "Play", ImVec2(ImGui::CalcTextSize("Pause").x + fs, 0))) {
    if (!v.playing && v.t >= double(length)) v.t = 0;
    v.playing = !v.playing;
  }
  tooltip("Play the accesses in program order at the speed below (Space).");
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    v.playing = false;
    v.t = std::min(double(length), std::floor(v.t) + 1);
  }
  tooltip("One access further: one load or store of the loop nest.");
  ImGui::SameLine();
  if (ImGui::Button("Iteration")) {
    v.playing = false;
    if (!data.sides.empty()) v.t = double(nextPointStart(*data.sides.front(), std::uint64_t(v.t)));
  }
  tooltip("To the end of the current inner iteration (i, j, k) of the first kernel: all of its loads and stores.");
  ImGui::SameLine();
  if (ImGui::Button("Restart")) v.t = 0;
  tooltip("Back to the first access: empty caches.");

  const float room = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  v.setupInline = ImGui::GetContentRegionAvail().x >= fs * 44;

  double speed = playSpeed(v, data);
  sameLineIfFits(fs * 6);
  ImGui::SetNextItemWidth(fs * 6);
  if (ImGui::SliderScalar("##speed", ImGuiDataType_Double, &speed, &kMinSpeed, &kMaxSpeed, "%.0f /s",
                          ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    v.speed = speed;
  tooltip("Playback speed in accesses per second (log scale): a few per second to follow single accesses, millions "
          "to see whole sweeps. It starts where the whole run plays in about 40 s.");
  if (v.setupInline) {
    sameLineIfFits(fs * 3.5f);
    ImGui::Checkbox("loop", &v.loop);
    tooltip("Start over at the end.");
  }

  // Timeline (both numbers with thousands separators), then the notes
  // toggle and, where narrow, the button that opens the setup.
  std::uint64_t t = std::uint64_t(v.t);
  const std::uint64_t zero = 0;
  const std::string fmt = "access " + groupedText(t) + " of " + groupedText(length);
  v.timelineText = fmt;
  const std::string notesLabel =
      std::string(v.showNotes ? "hide notes" : "notes") + (notes ? " (" + std::to_string(notes) + ")" : "");
  const std::string summary = "setup: n=" + std::to_string(shownN(state));
  const float pad = ImGui::GetStyle().FramePadding.x * 2;
  const float tail = ImGui::CalcTextSize(notesLabel.c_str()).x + pad + sp +
                     (v.setupInline ? 0 : ImGui::CalcTextSize(summary.c_str()).x + pad + sp);
  const float timelineMin = ImGui::CalcTextSize(fmt.c_str()).x + fs * 2;
  if (ImGui::GetItemRectMax().x + sp + timelineMin + tail <= room) ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(timelineMin, room - ImGui::GetCursorScreenPos().x - tail));
  if (ImGui::SliderScalar("##timeline", ImGuiDataType_U64, &t, &zero, &length, fmt.c_str(), ImGuiSliderFlags_AlwaysClamp)) {
    v.t = double(t);
    v.playing = false;
  }
  tooltip("Drag to any instant. Going back replays from the nearest checkpoint of the recorded run.");
  sameLineIfFits(tail - sp);
  if (ImGui::Button(notesLabel.c_str())) v.showNotes = !v.showNotes;
  tooltip("The caches simulated, the cell size and where a recording is cut or differs from the timed kernel.");
  if (!v.setupInline) {
    ImGui::SameLine();
    if (ImGui::Button(summary.c_str())) ImGui::OpenPopup("##animsetup");
    tooltip("The size (n=" + std::to_string(shownN(state)) + "), caches (" + data.spec.cacheName +
            "), kernels and looping of the animation: click to change them.");
    if (ImGui::BeginPopup("##animsetup")) {
      ImGui::Checkbox("loop", &v.loop);
      tooltip("Start over at the end.");
      drawSetup(state, data);
      ImGui::EndPopup();
    }
  }
  if (v.setupInline) drawSetup(state, data);
}

// [SECTION] one side: grids, indices, hit rates, code

// Vertical spacing inside the hit-rate and code column: tight, so that the
// whole loop nest fits beside the grids.
constexpr float kInfoSpacing = 2.0f;

struct SideLayout {
  float gridPx = 0;   // edge of A, B and C
  float tilePx = 0;   // edge of T
  float infoW = 0;
  bool compact = false;  // only the current line of the code (three sides)
  bool infoBelow = false;  // hit rates and code under the grids (narrow views)
  bool legendBeside = false;  // the legend right of the first side's grids (narrow views)
};

// Fill colours as bytes: 0 untouched, 1..4 L1, L2, L3, memory.
struct FillBytes {
  std::uint8_t rgb[5][3];
};

FillBytes fillBytes(const GridPalette& p) {
  FillBytes f{};
  auto put = [](std::uint8_t* out, const ImVec4& c) {
    out[0] = std::uint8_t(c.x * 255 + 0.5f);
    out[1] = std::uint8_t(c.y * 255 + 0.5f);
    out[2] = std::uint8_t(c.z * 255 + 0.5f);
  };
  put(f.rgb[0], p.untouched);
  for (int i = 0; i < 4; ++i) put(f.rgb[i + 1], p.level[std::size_t(i)]);
  return f;
}

// Fills the grid's texels for the state at its instant: the level colour of
// each cell's last access (exactly a legend colour), and the flags the
// shader draws from: in L1 (and which neighbours are), fresh, current.
void fillTexels(const AccessTrace& tr, const PlaybackState& s, int g, double fresh, const FillBytes& colors,
                std::vector<std::uint8_t>& out) {
  const GridShape& shape = tr.grids[std::size_t(g)];
  const std::size_t cells = std::size_t(shape.cells());
  out.resize(cells * 4);
  const auto& last = s.lastTouch[std::size_t(g)];
  const auto& level = s.level[std::size_t(g)];
  const auto& lines = tr.cellLine[std::size_t(g)];
  const double now = double(s.t);
  const std::size_t cols = std::size_t(shape.cellCols);
  auto inL1 = [&](std::size_t c) { return s.inL1[lines[c]] != 0; };
  for (std::size_t c = 0; c < cells; ++c) {
    std::uint8_t* px = &out[c * 4];
    const std::uint32_t lt = last[c];
    const int l = level[c];
    const std::uint8_t* fill = colors.rgb[lt == 0 ? 0 : l >= tr.levels ? 4 : std::min(l, 2) + 1];
    px[0] = fill[0];
    px[1] = fill[1];
    px[2] = fill[2];
    std::uint8_t flags = 0;
    if (lt != 0 && now - double(lt) < fresh) flags |= kCellFresh;
    if (inL1(c)) {
      flags |= kCellInL1;
      const std::size_t col = c % cols;
      if (col > 0 && inL1(c - 1)) flags |= kCellL1Left;
      if (col + 1 < cols && inL1(c + 1)) flags |= kCellL1Right;
      if (c >= cols && inL1(c - cols)) flags |= kCellL1Up;
      if (c + cols < cells && inL1(c + cols)) flags |= kCellL1Down;
    }
    px[3] = flags;
  }
  if (s.t > 0) {
    const Event e = tr.events[s.t - 1];
    if (e.grid() == g) out[std::size_t(e.cell()) * 4 + 3] |= kCellCurrent;
  }
}

void appendLayout(std::ostringstream& os, bool& first, int side, const AccessTrace& tr, int g, ImVec2 pos, ImVec2 px) {
  const GridShape& shape = tr.grids[std::size_t(g)];
  os << (first ? "" : ",\n") << "    {\"side\": " << side << ", \"kernel\": \"" << tr.kernel << "\", \"grid\": \""
     << shape.name << "\", \"x\": " << pos.x << ", \"y\": " << pos.y << ", \"w\": " << px.x << ", \"h\": " << px.y
     << ", \"cols\": " << shape.cellCols << ", \"rows\": " << shape.cellRows << ", \"factor\": " << shape.factor << "}";
  first = false;
}

// Where the grid goes: whole pixels per cell where cells are large enough.
float gridEdge(float room, int cells) {
  const float per = room / float(cells);
  return per >= 5 ? std::floor(per) * float(cells) : std::floor(room);
}

void drawGrid(UiState& state, const AccessTrace& tr, const PlaybackState& s, int g, float px, const Colors& colors,
              double fade, int side, std::ostringstream* layout, bool& firstLayout, views::BoxRecord& rec) {
  const float fs = ImGui::GetFontSize();
  const GridShape& shape = tr.grids[std::size_t(g)];
  ImGui::BeginGroup();
  // The caption is cut to the grid's width: a long one would push the next grid away.
  const float edgeGuess = std::max(px, fs * 2);
  const std::string& caption = ImGui::CalcTextSize(shape.caption.c_str()).x <= edgeGuess ? shape.caption : shape.name;
  ImGui::TextUnformatted(caption.c_str());
  tooltip(shape.caption + ": " + std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
          " elements of the traced run, drawn in their order in memory (row by row).");
  const float edge = gridEdge(px, std::max(shape.cellCols, shape.cellRows));
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size(edge * float(shape.cellCols) / float(std::max(shape.cellCols, shape.cellRows)),
                    edge * float(shape.cellRows) / float(std::max(shape.cellCols, shape.cellRows)));
  fillTexels(tr, s, g, fade, fillBytes(colors.grid), state.access.texels);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  bool drawn = false;
  if (state.grids)
    drawn = state.grids->draw(dl, pos, size, shape.cellCols, shape.cellRows,
                              reinterpret_cast<const CellTexel*>(state.access.texels.data()), colors.grid);
  if (!drawn) dl->AddRect(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(ImGuiCol_Border));
  ImGui::Dummy(size);
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int cc = int((m.x - pos.x) / size.x * float(shape.cellCols));
    const int cr = int((m.y - pos.y) / size.y * float(shape.cellRows));
    if (cc >= 0 && cr >= 0 && cc < shape.cellCols && cr < shape.cellRows) {
      const std::size_t cell = std::size_t(cr * shape.cellCols + cc);
      const std::uint32_t lt = s.lastTouch[std::size_t(g)][cell];
      std::string text = shape.name + "[" + std::to_string(cr * shape.factor) + "][" +
                         std::to_string(cc * shape.factor) + "]";
      if (shape.factor > 1) text += " (cell of " + std::to_string(shape.factor) + " x " + std::to_string(shape.factor) + ")";
      if (lt == 0) text += "\nnot touched yet";
      else {
        const int l = s.level[std::size_t(g)][cell];
        text += "\nlast access #" + groupedText(lt - 1) + ", served by " +
                (l >= tr.levels ? std::string("memory") : tr.levelNames[std::size_t(l)]);
      }
      text += s.inL1[tr.cellLine[std::size_t(g)][cell]] ? "\nits line is in L1" : "\nits line is not in L1";
      tooltip(text);
    }
  }
  ImGui::EndGroup();
  (void)fs;
  rec.add("grid", tr.kernel + " " + shape.name, pos, ImVec2(pos.x + size.x, pos.y + size.y));
  if (layout) appendLayout(*layout, firstLayout, side, tr, g, pos, size);
}

void drawRates(const AccessTrace& tr, const PlaybackState& s, const Colors& colors, float width) {
  const float fs = ImGui::GetFontSize();
  for (int l = 0; l < tr.levels; ++l) {
    const double rate = s.hitRate(l);
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%s %5.1f%%  (%s of %s)", tr.levelNames[std::size_t(l)].c_str(),
                  100 * rate, groupedText(s.hits[std::size_t(l)]).c_str(), groupedText(s.accesses[std::size_t(l)]).c_str());
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, colors.levelU32[std::min(l, 2)]);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_Text));
    ImGui::ProgressBar(float(rate), ImVec2(width, fs * 1.3f), "");
    // The text drawn over the bar: dark on the light theme's pale track and
    // its colours; white with a shadow on the dark theme's.
    const ImVec2 a = ImGui::GetItemRectMin();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 tp(a.x + fs * 0.3f, a.y + (fs * 1.3f - fs) * 0.5f);
    if (colors.light) {
      views::drawListText(dl, tp, IM_COL32(10, 10, 20, 255), overlay);
    } else {
      dl->AddText(ImVec2(tp.x + 1, tp.y + 1), IM_COL32(0, 0, 0, 160), overlay);
      views::drawListText(dl, tp, IM_COL32(255, 255, 255, 255), overlay);
    }
    ImGui::PopStyleColor(2);
    tooltip("Hit rate of " + tr.levelNames[std::size_t(l)] + " over the accesses so far (accesses that reached it; " +
            "L2 also sees the lines L1 writes back).");
  }
}

void drawCode(const AccessTrace& tr, const PlaybackState& s, float width, bool compact) {
  const std::vector<std::string>& code = tr.code;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float lineH = ImGui::GetTextLineHeight() + kInfoSpacing;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (compact && int(i) != std::max(0, s.codeLine)) continue;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const bool current = int(i) == s.codeLine && s.t > 0;
    if (current) {
      dl->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + width, p.y + lineH - 1),
                        ImGui::GetColorU32(ImGuiCol_PlotHistogram, 0.35f));
      dl->AddRectFilled(ImVec2(p.x - 2, p.y - 1), ImVec2(p.x + 3, p.y + lineH - 1),
                        ImGui::GetColorU32(ImGuiCol_PlotHistogram));
    }
    ImGui::TextUnformatted(code[i].c_str());
  }
}

std::string indicesText(const AccessTrace& tr, const PlaybackState& s) {
  if (s.pointCursor == 0) {
    if (s.t == 0 || s.codeLine < 0 || std::size_t(s.codeLine) >= tr.code.size()) return "start";
    std::string line = tr.code[std::size_t(s.codeLine)];
    line.erase(0, line.find_first_not_of(' '));
    return "before the first inner iteration: " + line;
  }
  char buf[128];
  if (tr.usesBlock) {
    const int b = std::max(1, tr.block);
    std::snprintf(buf, sizeof buf, "ii=%d jj=%d kk=%d   i=%d j=%d k=%d", s.i() / b * b, s.j() / b * b, s.k() / b * b,
                  s.i(), s.j(), s.k());
  } else {
    std::snprintf(buf, sizeof buf, "i=%d  j=%d  k=%d", s.i(), s.j(), s.k());
  }
  return buf;
}

// `grids`: the title and the grids; `info`: the indices, hit rates and code
// (beside the grids when both, else on their own).
void drawSide(UiState& state, const AnimationData& data, std::size_t index, const SideLayout& lay, const Colors& colors,
              double fade, std::ostringstream* layout, bool& firstLayout, views::BoxRecord& rec, bool grids, bool info) {
  const AccessTrace& tr = *data.sides[index];
  const PlaybackState& s = state.access.states[index];
  const float fs = ImGui::GetFontSize();
  ImGui::PushID(int(index));
  if (!grids) {
    views::heading(tr.title);
  } else {
  // Title: kernel and how far (wraps to a second line only where narrow).
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
  std::string title = tr.title;
  if (tr.usesBlock) title += " (b=" + std::to_string(tr.block) + ")";
  ImGui::TextUnformatted(title.c_str());
  ImGui::PopStyleColor();
  const std::string progress = s.t >= tr.size() ? (tr.truncated ? std::string("end of the recorded part")
                                                                 : "done: " + groupedText(tr.size()) + " accesses")
                                                : groupedText(s.t) + " of " + groupedText(tr.size());
  sameLineIfFits(ImGui::CalcTextSize(progress.c_str()).x, fs * 1.2f);
  ImGui::TextDisabled("%s", progress.c_str());

  const float gap = fs * 0.6f;
  // The first three buffers side by side (A, B, C); the others (a tile
  // copy, packed panels, CSR arrays) stacked in a narrower column.
  for (int g = 0; g < std::min(3, tr.gridCount); ++g) {
    drawGrid(state, tr, s, g, lay.gridPx, colors, fade, int(index), layout, firstLayout, rec);
    ImGui::SameLine(0, gap);
  }
  if (tr.gridCount > 3) {
    ImGui::BeginGroup();
    for (int g = 3; g < tr.gridCount; ++g)
      drawGrid(state, tr, s, g, lay.tilePx, colors, fade, int(index), layout, firstLayout, rec);
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);
  } else if (lay.tilePx > 0) {
    ImGui::Dummy(ImVec2(lay.tilePx, 1));
    ImGui::SameLine(0, gap);
  }
  if (!info && index == 0 && lay.legendBeside) {
    ImGui::BeginGroup();
    drawLegend(colors, data, ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x);
    ImGui::EndGroup();
    rec.addItem("legend", "legend");
  } else if (!info) {
    ImGui::NewLine();
  }
  }
  if (!info) {
    ImGui::PopID();
    return;
  }
  ImGui::BeginGroup();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, kInfoSpacing));
  ImGui::TextUnformatted(indicesText(tr, s).c_str());
  drawRates(tr, s, colors, lay.infoW);
  ImGui::Dummy(ImVec2(1, fs * 0.3f));
  drawCode(tr, s, lay.infoW, lay.compact);
  ImGui::PopStyleVar();
  ImGui::EndGroup();
  rec.addItem("info", tr.kernel + " rates and code");
  ImGui::PopID();
}

// [SECTION] view

// Moves the shared clock (playing) and every side's playback state to it.
void advance(AccessViewState& v, const AnimationData& data, double speed) {
  const std::uint64_t length = data.length();
  if (v.playing && speed > 0) {
    v.t += speed * double(ImGui::GetIO().DeltaTime);
    if (v.t >= double(length)) {
      if (v.loop) v.t = 0;
      else {
        v.t = double(length);
        v.playing = false;
      }
    }
  }
  v.t = std::clamp(v.t, 0.0, double(length));
  for (std::size_t i = 0; i < data.sides.size(); ++i) seek(*data.sides[i], v.states[i], std::uint64_t(v.t));
}

// The notes under the toolbar: the caches, the cell size, cut recordings,
// traced-as caveats. Returns them as lines (the toolbar shows their count).
std::vector<std::string> notesFor(const AnimationData& data, bool recording) {
  std::vector<std::string> notes;
  std::string caches = "n=" + std::to_string(data.spec.n) + ", " + data.spec.cacheName + " caches: ";
  for (std::size_t l = 0; l < data.spec.cache.levels.size(); ++l)
    caches += (l ? ", " : "") + sim::describe(data.spec.cache.levels[l]);
  notes.push_back(caches + ".");
  const GridShape& a = data.sides.front()->grids[0];
  if (a.factor > 1)
    notes.push_back("One cell = " + std::to_string(a.factor) + " x " + std::to_string(a.factor) + " elements (n > " +
                    std::to_string(kMaxGridCells) + "): it shows the last of their accesses.");
  for (const auto& side : data.sides)
    if (side->truncated)
      notes.push_back(side->title + ": the first " + groupedText(side->size()) + " of " +
                      groupedText(side->totalReferences) + " accesses (memory cap; choose a smaller n for the whole run).");
  for (const auto& side : data.sides)
    if (!side->caveat.empty()) notes.push_back(side->title + " is traced as " + side->caveat + ".");
  if (recording) notes.push_back("Recording the new settings...");
  return notes;
}

}  // namespace

Request accessRequest(const UiState& state) {
  Request r;
  r.kind = RequestKind::Animation;
  r.settings = state.settings;
  r.animationN = shownN(state);
  r.animationBlock = animationBlock(state.settings.params.block, r.animationN);
  r.caches = animationCaches(state.access.caches, r.animationN);
  r.l1 = state.access.l1;
  r.animationKernels = shownKernels(state);
  return r;
}

void updateAccessRequests(UiState& state) {
  if (state.view != View::Access || state.debounce.pending()) return;
  const std::string key = animationKey(state);
  if (key == state.access.postedKey) return;
  state.access.postedKey = key;
  state.actions.animate = true;
}

void drawAccessView(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  AccessViewState& v = state.access;
  const float fs = ImGui::GetFontSize();
  const Colors colors = colorsFor(state.theme);
  views::BoxRecord rec(v.wantLayout);
  if (state.grids && !state.grids->error().empty())
    ImGui::TextColored(ImVec4(0.95f, 0.45f, 0.35f, 1), "Cannot draw the grids: %s", state.grids->error().c_str());

  const bool recording = progress.busy && progress.kind == RequestKind::Animation;
  const AnimationData* data = snap.animation && snap.animation->complete ? snap.animation.get() : nullptr;
  if (!data) {
    const bool stopped = snap.animation && snap.animation->outcome == Outcome::Cancelled;
    ImGui::TextWrapped(recording ? "Recording every access of the loop nests on the simulated caches..."
                       : stopped ? "Recording was stopped before every kernel was recorded."
                                 : "The animation records the accesses of the chosen kernels when this view opens.");
    return;
  }
  if (data->request != v.shownRequest) {
    v.shownRequest = data->request;
    v.states.clear();
    for (const auto& side : data->sides) v.states.push_back(initialState(*side));
    if (v.pendingStep >= 0) {
      v.t = double(v.pendingStep);
      v.pendingStep = -1;
      v.playing = false;
    } else {
      v.t = std::min(v.t, double(data->length()));
    }
    if (v.pendingPlay) {
      v.playing = true;
      v.pendingPlay = false;
    }
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false) && !ImGui::GetIO().WantTextInput) v.playing = !v.playing;

  if (data->sides.empty()) return;
  const double speed = playSpeed(v, *data);
  // The clock moves first, so the timeline and the counters drawn below
  // show the same instant; a drag or a step on the timeline is applied
  // (sought) at once, in this frame.
  advance(v, *data, speed);
  const std::vector<std::string> notes = notesFor(*data, recording);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, fs * 0.25f));
  drawTransport(state, *data, notes.size());
  // Narrow views (a large font in a small window): the legend goes right
  // of the first side's grids, where the height-limited grids leave room.
  const bool narrow = ImGui::GetContentRegionAvail().x < fs * 40;
  if (!narrow) drawLegend(colors, *data, ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x);
  ImGui::PopStyleVar();
  advance(v, *data, 0);
  if (v.showNotes)
    for (const std::string& line : notes) views::note(line);

  // Sides stacked, each a row: A | B | C | T | hit rates and code (or the
  // rates and code under the grids where the view is narrow).
  const std::size_t sides = data->sides.size();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = fs * 0.6f;
  const float lineH = ImGui::GetTextLineHeightWithSpacing();
  const float codeLineH = ImGui::GetTextLineHeight() + kInfoSpacing;
  std::size_t codeLines = 0;
  int levels = 0;
  bool tile = false;
  float tileShare = 0;
  for (const auto& side : data->sides) {
    codeLines = std::max(codeLines, side->code.size());
    levels = std::max(levels, side->levels);
    if (side->gridCount > 3) {
      tile = true;
      // A tile copy is drawn to scale against A; other extras get 0.4 of A's edge.
      const GridShape& x = side->grids[3];
      const float share = side->gridCount == 4 && side->usesBlock && side->n > 0
                              ? std::clamp(float(std::max(x.rows, x.cols)) / float(side->n), 0.25f, 0.5f)
                              : 0.6f;
      tileShare = std::max(tileShare, share);
    }
  }
  SideLayout lay;
  float codeW = 0;
  for (const auto& side : data->sides)
    for (const std::string& line : side->code) codeW = std::max(codeW, ImGui::CalcTextSize(line.c_str()).x);
  lay.infoW = std::max(codeW + fs, fs * 16);
  const float infoH = float(levels) * (fs * 1.3f + kInfoSpacing) + float(codeLines + 1) * codeLineH + fs * 0.3f;
  const float rowChrome = lineH * 2 + ImGui::GetStyle().ItemSpacing.y * 2;  // title + grid captions
  const float perSide = (avail.y - float(sides - 1) * gap) / float(sides);
  const float gridsW = avail.x - gap * (tile ? 4 : 3);
  // Beside the grids when that leaves each grid at least 6 font sizes.
  float g = (gridsW - lay.infoW) / (3 + tileShare);
  lay.infoBelow = narrow || g < fs * 6;
  lay.legendBeside = narrow;
  if (lay.infoBelow) {
    g = gridsW / (3 + tileShare);
    lay.infoW = std::min(lay.infoW, avail.x);
  }
  // Every side's grids within the visible height (the rates and code below
  // them may need a scroll in a narrow view).
  g = std::min(g, perSide - rowChrome - fs * 0.3f);
  if (narrow) {
    // The legend beside the first side's grids (two chips a row) makes that
    // row taller where it is taller than the grid.
    const float legendH = 4 * (ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y);
    const float caption = lineH + ImGui::GetStyle().ItemSpacing.y;
    if (caption + g < legendH)
      g = std::min(g, avail.y - float(sides - 1) * gap - legendH - float(sides) * rowChrome + caption - fs * 0.3f);
  }
  g = std::max(g, fs * 3);
  lay.gridPx = std::floor(g);
  lay.tilePx = tile ? std::floor(g * tileShare) : 0;
  // Where the whole loop nest does not fit beside the grids (three sides),
  // show its current line only.
  lay.compact = !lay.infoBelow && infoH > perSide - lineH * 0.5f;

  const double fade = freshFor(speed);
  std::ostringstream layout;
  bool firstLayout = true;
  if (v.wantLayout) {
    const Colors& c = colors;
    auto rgb = [](const ImVec4& x) {
      char b[48];
      std::snprintf(b, sizeof b, "[%d, %d, %d]", int(x.x * 255 + 0.5f), int(x.y * 255 + 0.5f), int(x.z * 255 + 0.5f));
      return std::string(b);
    };
    layout << "{\n  \"t\": " << std::uint64_t(v.t) << ", \"fade\": " << fade << ", \"speed\": " << speed
           << ", \"n\": " << data->spec.n << ", \"block\": " << data->spec.block << ", \"density\": " << data->spec.density
           << ", \"caches\": \"" << data->spec.cacheName << "\", \"timeline\": \"" << v.timelineText << "\",\n"
           << "  \"untouched\": " << rgb(c.grid.untouched) << ", \"levels\": [" << rgb(c.grid.level[0]) << ", "
           << rgb(c.grid.level[1]) << ", " << rgb(c.grid.level[2]) << ", " << rgb(c.grid.level[3]) << "],\n"
           << "  \"resident\": " << rgb(c.grid.resident) << ", \"glow\": " << rgb(c.grid.glow) << ", \"current\": "
           << rgb(c.grid.current) << ", \"gap\": " << rgb(c.grid.gap) << ",\n  \"sides\": [\n";
    // Each side's counters at this instant (after the frame's playback).
    for (std::size_t i = 0; i < sides; ++i) {
      const AccessTrace& tr = *data->sides[i];
      const PlaybackState& s = v.states[i];
      layout << "    {\"kernel\": \"" << tr.kernel << "\", \"t\": " << s.t << ", \"accesses_recorded\": " << tr.size()
             << ", \"accesses_total\": " << tr.totalReferences << ", \"levels\": [";
      for (int l = 0; l < tr.levels; ++l)
        layout << (l ? ", " : "") << "{\"name\": \"" << tr.levelNames[std::size_t(l)] << "\", \"accesses\": "
               << s.accesses[std::size_t(l)] << ", \"hits\": " << s.hits[std::size_t(l)]
               << ", \"misses\": " << s.accesses[std::size_t(l)] - s.hits[std::size_t(l)] << "}";
      layout << "]}" << (i + 1 < sides ? ",\n" : "\n");
    }
    layout << "  ],\n  \"grids\": [\n";
  }
  // Narrow: every side's grids first (all visible at once), then their
  // rates and code below.
  for (std::size_t i = 0; i < sides; ++i) {
    if (i) ImGui::Dummy(ImVec2(1, gap * 0.5f));
    drawSide(state, *data, i, lay, colors, fade, v.wantLayout ? &layout : nullptr, firstLayout, rec, true, !lay.infoBelow);
  }
  if (lay.infoBelow)
    for (std::size_t i = 0; i < sides; ++i)
      drawSide(state, *data, i, lay, colors, fade, nullptr, firstLayout, rec, false, true);
  if (v.wantLayout) {
    layout << "\n  ],\n";
    std::string boxes = rec.json("access");
    // The boxes object's fields follow the grids in one JSON object.
    v.layoutJson = layout.str() + boxes.substr(boxes.find('{') + 1);
  }
}

}  // namespace cachescope::app
