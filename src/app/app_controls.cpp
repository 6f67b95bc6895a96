// The control column: kernel selection by family, problem sliders, run
// control; and the Display options (theme, text size, fullscreen) the view
// row's popup shows. Every control has a tooltip that teaches something.
//
// [SECTION] helpers
// [SECTION] kernels
// [SECTION] parameters
// [SECTION] run control
// [SECTION] your own kernel
// [SECTION] appearance
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <utility>

#include "app/layout_record.hpp"
#include "app/panels.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "userkernels/build.hpp"
#include "userkernels/plugin.hpp"

namespace cachescope::app {

namespace {

// [SECTION] helpers

std::string cacheName(const CacheInfo& c) {
  std::string s = "L";  // appended: GCC 12 warns falsely on "L" + std::to_string(...)
  s += std::to_string(c.level);
  if (c.level == 1) s += 'd';
  return s;
}

std::string bytesText(double bytes) { return formatBytes(std::uint64_t(std::max(0.0, bytes))); }

// Where `bytes` lands in this host's hierarchy: "fits in L2 (1 MiB)".
std::string whereItFits(double bytes) {
  for (const CacheInfo& c : host().caches)
    if (bytes <= double(c.sizeBytes))
      return "fits in " + cacheName(c) + " (" + formatBytes(c.sizeBytes) + ")";
  if (!host().caches.empty()) {
    const CacheInfo& last = host().caches.back();
    return "larger than " + cacheName(last) + " (" + formatBytes(last.sizeBytes) + "): it streams from memory";
  }
  return "";
}

void toggleKernel(RunSettings& s, const std::string& id, bool on) {
  auto& ks = s.kernels;
  auto it = std::find(ks.begin(), ks.end(), id);
  if (on && it == ks.end()) {
    ks.push_back(id);
    // Keep ladder order: the bars read left to right as the lecture goes.
    std::vector<std::string> ordered;
    for (const Kernel& k : kernels())
      if (std::find(ks.begin(), ks.end(), k.info.id) != ks.end()) ordered.push_back(k.info.id);
    ks = ordered;
  } else if (!on && it != ks.end()) {
    ks.erase(it);
  }
}

// The label a kernel has in the list: its id's name within the family
// ("blocked" under the "matmul" heading); a quantized kernel running at
// another width than its own first one says so ("int8 at 4 bit"), so the
// list says what runs.
std::string shortLabel(const Kernel& k, const Params& p) {
  const std::string& id = k.info.id;
  const auto dot = id.find('.');
  // A user kernel keeps its whole id: "user.naive" beside the built-in "naive".
  const bool user = id.rfind(userkernels::kUserIdPrefix, 0) == 0;
  std::string s = dot == std::string::npos || user ? id : id.substr(dot + 1);
  if (k.uses(Param::Bits) && !k.info.bits.empty() && runBits(k, p.bits) != k.info.bits.front())
    s += " at " + std::to_string(runBits(k, p.bits)) + " bit";
  return s;
}

// [SECTION] kernels

// Every kernel is one checkbox, grouped by family, as many on a line as fit
// (a short label: its name within the family); the full title and what it
// teaches are in its tooltip.
void drawKernelList(UiState& state, float height) {
  ImGui::BeginChild("##kernels", ImVec2(0, height), false);
  const ImGuiStyle& style = ImGui::GetStyle();
  for (Family family : {Family::Matmul, Family::Relu}) {
    bool any = false;
    for (const Kernel& k : kernels()) any = any || k.info.family == family;
    if (!any) continue;
    ImGui::TextDisabled("%s", toString(family));
    bool first = true;
    for (const Kernel& k : kernels()) {
      if (k.info.family != family) continue;
      const std::string text = shortLabel(k, state.settings.params);
      if (!first)
        flowNextItem(ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(text.c_str()).x);
      first = false;
      auto& ks = state.settings.kernels;
      bool on = std::find(ks.begin(), ks.end(), k.info.id) != ks.end();
      const std::string label = text + "##" + k.info.id;
      if (ImGui::Checkbox(label.c_str(), &on)) {
        toggleKernel(state.settings, k.info.id, on);
        // Ticking a quantized kernel makes the bits control show its width.
        normalizeBits(state.settings);
      }
      layout::recordItem(text);
      std::string tip = k.info.title + "  (" + k.info.id + ")\n\n" + k.info.teaches;
      if (k.uses(Param::Bits)) tip += "\n\nRuns at the bits chosen below when it takes them, else at its own width.";
      if (!k.info.traceNote.empty()) tip += "\n\nCache view: " + k.info.traceNote;
      tooltip(tip);
    }
  }
  state.kernelListContentH = ImGui::GetCursorPosY();
  ImGui::EndChild();
}

// [SECTION] parameters

// Precision: a parameter of the quantized kernels only. The choices are the
// widths the ticked quantized kernels take; without one the row is disabled
// and says why.
void drawBits(UiState& state, float width) {
  Params& p = state.settings.params;
  const std::vector<int> choices = selectedBitsChoices(state.settings);
  std::vector<int> all;
  for (const Kernel& k : kernels())
    if (k.uses(Param::Bits))
      for (int b : k.info.bits)
        if (std::find(all.begin(), all.end(), b) == all.end()) all.push_back(b);
  if (all.empty()) return;
  std::sort(all.begin(), all.end(), std::greater<>());  // 32 16 8 4: widest first
  const char* tip =
      "Number width of the reduced-precision kernels (bf16, int8, int4): 16 bits = 2 bytes per value, 8 bits = 1 "
      "byte, 4 bits = half a byte, 2x / 4x / 8x more values per cache line than fp32, paid for with rounding error. "
      "Other kernels always run in fp32. A kernel that cannot take the chosen width runs at its own (its label in "
      "the list says which).";
  const float x0 = ImGui::GetCursorPosX();
  if (choices.empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("(quantized only)");
    tooltip(tip);
  } else {
    // One radio button a width when they all fit the row (at 28 px four
    // do not), else a drop-down of the same choices.
    const ImGuiStyle& style = ImGui::GetStyle();
    float radiosW = 0;
    for (int b : all)
      radiosW += ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(std::to_string(b).c_str()).x +
                 style.ItemSpacing.x;
    const auto takes = [&](int b) { return std::find(choices.begin(), choices.end(), b) != choices.end(); };
    if (radiosW - style.ItemSpacing.x <= width) {
      bool first = true;
      for (int b : all) {
        if (!first) ImGui::SameLine();
        first = false;
        ImGui::BeginDisabled(!takes(b));
        const std::string label = std::to_string(b) + "##bits";
        if (ImGui::RadioButton(label.c_str(), p.bits == b)) p.bits = b;
        ImGui::EndDisabled();
        layout::recordItem(label);
        tooltip(tip);
      }
    } else {
      ImGui::SetNextItemWidth(width);
      const std::string current = std::to_string(p.bits);
      if (ImGui::BeginCombo("##bits", current.c_str())) {
        for (int b : all) {
          ImGui::BeginDisabled(!takes(b));
          if (ImGui::Selectable(std::to_string(b).c_str(), p.bits == b)) p.bits = b;
          ImGui::EndDisabled();
        }
        ImGui::EndCombo();
      }
      layout::recordItem(current + "##bits");
      tooltip(tip);
    }
  }
  ImGui::SameLine(x0 + width + ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::TextUnformatted("bits");
  tooltip(tip);
}

void drawParameters(UiState& state) {
  sectionHeading("Parameters");
  Params& p = state.settings.params;
  const float labelW = ImGui::GetFontSize() * 4.0f;
  const float width = ImGui::GetContentRegionAvail().x - labelW;
  ImGui::PushItemWidth(width);

  // n: log slider, snapped to multiples of 16 so values stay readable.
  int n = p.n;
  if (ImGui::SliderInt("n", &n, 32, 2048, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    p.n = std::clamp((n + 8) / 16 * 16, 32, kMaxN);
  layout::recordItem("n");
  {
    const double matrices = 3.0 * p.n * p.n * 4;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "Matrix size: C = A x B, all n x n floats.\n"
                  "A, B and C take 3 x %d^2 x 4 B = %s: %s.\n"
                  "Naive matmul walks B down a column, one cache line per element: once a column of B no "
                  "longer fits in cache, every access misses. Work grows as 2n^3 = %.2g FLOP.",
                  p.n, bytesText(matrices).c_str(), whereItFits(matrices).c_str(), 2.0 * p.n * p.n * p.n);
    tooltip(buf);
  }

  int b = p.block;
  if (ImGui::SliderInt("block", &b, 4, 256, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    p.block = std::clamp((b + 2) / 4 * 4, kMinBlock, kMaxBlock);
  layout::recordItem("block");
  {
    const double tile = double(p.block) * p.block * 4;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "Tile edge of the blocked kernel.\n"
                  "A block of %d x %d floats = %s; three of them (a tile of A, B and C) = %s: %s.\n"
                  "Blocking pays when the three tiles stay in a cache while they are reused.",
                  p.block, p.block, bytesText(tile).c_str(), bytesText(3 * tile).c_str(),
                  whereItFits(3 * tile).c_str());
    tooltip(buf);
  }

  const int maxThreads = std::max(1, host().logicalCores);
  if (maxThreads > 1 && maxThreads <= 6) {
    // A few cores: one button each (a slider of two values is mostly grab).
    const float x0 = ImGui::GetCursorPosX();
    for (int t = 1; t <= maxThreads; ++t) {
      if (t > 1) ImGui::SameLine();
      const std::string label = std::to_string(t) + "##threads";
      if (ImGui::RadioButton(label.c_str(), p.threads == t)) p.threads = t;
    }
    ImGui::SameLine(x0 + width + ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted("threads");
  } else if (maxThreads > 1) {
    ImGui::SliderInt("threads", &p.threads, 1, maxThreads, "%d", ImGuiSliderFlags_AlwaysClamp);
  } else {
    ImGui::BeginDisabled();
    ImGui::SliderInt("threads", &p.threads, 1, 1);
    ImGui::EndDisabled();
  }
  layout::recordItem("threads");
  tooltip("Size of the task arena the parallel kernels (and OpenBLAS) run in: 1 to this machine's " +
          std::to_string(maxThreads) +
          " logical cores. Ideal speedup is linear; memory bandwidth and shared caches are why it is not.");

  drawBits(state, width);

  bool densityKernel = false;
  for (const Kernel& k : kernels()) densityKernel = densityKernel || k.uses(Param::Density);
  if (densityKernel) {
    float d = float(p.density);
    if (ImGui::SliderFloat("density", &d, 0.01f, 1.0f, "%.2f", ImGuiSliderFlags_AlwaysClamp))
      p.density = std::clamp(double(d), 0.01, 1.0);
    layout::recordItem("density");
    tooltip(
        "Share of A's entries kept by the sparse kernel. A CSR matrix skips the zeros but reads an index per "
        "value: below some density it beats the dense kernel, above it loses.");
  }
  ImGui::PopItemWidth();
}

// [SECTION] run control
// [SECTION] your own kernel

void drawRunControl(UiState& state, const ProgressView& progress) {
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::Spacing();
  if (ImGui::Button("Run")) state.actions.run = true;
  layout::recordItem("Run");
  tooltip("Time the selected kernels now: a quick look first (one run each), then the median of several runs.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!progress.busy);
  if (ImGui::Button("Cancel")) state.actions.stop = true;
  ImGui::EndDisabled();
  layout::recordItem("Cancel");
  tooltip("Cancel the job in flight (also Esc): a kernel stops within a fraction of a second, even mid-run.");
  const char* autoLabel = "auto";
  const float autoW = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(autoLabel).x;
  flowNextItem(autoW);
  ImGui::Checkbox(autoLabel, &state.autoRerun);
  layout::recordItem(autoLabel);
  tooltip("Auto-rerun: time again as soon as a slider stops moving (after 150 ms of stillness), cancelling a run in "
          "flight.");
  if (state.settings.kernels.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(0.85f, 0.45f, 0.1f, 1), "Select at least one kernel.");
    ImGui::PopTextWrapPos();
  }
  // A long run is announced before it starts: as the slider reaches it.
  const double est = estimateRunSeconds(state.settings);
  state.estimateS = est;
  if (est > kLongRunS) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(0.85f, 0.45f, 0.1f, 1), "Takes about %s: Cancel or Esc stops it.",
                       formatSeconds(est).c_str());
    ImGui::PopTextWrapPos();
    tooltip("Estimated from the work of each kernel at 1 GFLOP/s (GOP/s, GB/s), warmups and repetitions included: "
            "right to an order of magnitude. The status bar shows the elapsed time and what is left while it runs.");
  }
}

}  // namespace

// [SECTION] appearance

void drawDisplayOptions(UiState& state) {
  int theme = int(state.theme);
  if (ImGui::RadioButton("dark", &theme, int(Theme::Dark))) state.actions.applyTheme = true;
  layout::recordItem("dark");
  tooltip("Dark background: easy on the eyes on a laptop.");
  ImGui::SameLine();
  if (ImGui::RadioButton("light", &theme, int(Theme::Light))) state.actions.applyTheme = true;
  layout::recordItem("light");
  tooltip("Light background: reads best on a projector in a lit hall.");
  state.theme = Theme(theme);

  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 4.0f);
  ImGui::SliderFloat("text", &state.fontSize, kMinFontSize, kMaxFontSize, "%.0f px", ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemDeactivatedAfterEdit()) state.actions.rebuildFonts = true;
  layout::recordItem("text");
  tooltip("Font size in pixels (also --font-size). 24-32 px for the back row of a lecture hall.");
  ImGui::PopItemWidth();
  if (ImGui::Button(state.fullscreen ? "Windowed (F11)" : "Fullscreen (F11)")) state.actions.toggleFullscreen = true;
  layout::recordItem("fullscreen");
  tooltip("F11 toggles fullscreen; F12 saves a screenshot of the window as PNG; F9 hides or shows the control panel.");
}

namespace {

// [SECTION] your own kernel
//
// "Load kernel...": a path to FILE.cpp or FILE.so (userkernels/plugin.hpp).
// A source is compiled on a helper thread (seconds: the UI keeps drawing);
// the loading itself (a child process reads the kernel's description) and
// the registration happen on this thread, between jobs. Errors stay
// visible under the field until the next load.
struct PluginLoad {
  char path[512] = "";
  std::future<std::string> build;  // the object to load, or throws
  std::string file;                // what is being built / loaded
  bool rerunAfter = false;         // "run mine again": re-time it once loaded
  std::string message;
  bool error = false;
  bool reveal = false;  // a new message: open the section once to show it
};

PluginLoad& pluginLoad() {
  static PluginLoad p;
  return p;
}

void startLoad(PluginLoad& pl, const std::string& file, bool rerunAfter) {
  pl.message.clear();
  pl.error = false;
  pl.file = file;
  pl.rerunAfter = rerunAfter;
  const std::filesystem::path fp(file);
  const bool source = fp.extension() == ".cpp" || fp.extension() == ".cc" || fp.extension() == ".cxx";
  // A source is rebuilt only when it changed (the build cache): an unchanged
  // kernel reloads in a moment.
  pl.build = std::async(std::launch::async, [file, source] { return source ? userkernels::buildKernel(file).object : file; });
}

}  // namespace

void updateUserKernel(UiState& state, bool busy) {
  PluginLoad& pl = pluginLoad();
  if (state.mine.again) {
    state.mine.again = false;
    if (!pl.build.valid() && !state.mine.file.empty()) startLoad(pl, state.mine.file, true);
  }
  if (!pl.build.valid() || pl.build.wait_for(std::chrono::seconds(0)) != std::future_status::ready || busy) return;
  const bool rerun = std::exchange(pl.rerunAfter, false);
  try {
    const userkernels::LoadedKernel k = userkernels::loadPlugin(pl.build.get());
    toggleKernel(state.settings, k.kernel->info.id, true);
    pl.message = (k.reloaded ? "reloaded " : "loaded ") + k.kernel->info.id +
                 (k.traced ? " (traced)" : " (untraced: a plain function)");
    pl.error = false;
    pl.reveal = !rerun;  // a rerun's reload leaves the section as it is (its result shows under the button)
    state.mine.id = k.kernel->info.id;
    state.mine.file = pl.file;
    if (rerun) {
      state.actions.rerunKernel = k.kernel->info.id;
      state.lastSeen = state.settings;  // the rerun times it: no auto-rerun of the whole ladder
      state.debounce.cancel();
    }
  } catch (const userkernels::BuildError& e) {
    pl.message = std::string(e.what()) + "\n" + e.output;
    pl.error = true;
    pl.reveal = true;
  } catch (const std::exception& e) {
    pl.message = e.what();
    pl.error = true;
    pl.reveal = true;
  }
}

bool userKernelBusy() { return pluginLoad().build.valid(); }

const BenchRecord* mineRecord(const UiState& state, const Snapshot& snap) {
  if (!state.mine.request || !snap.timing || snap.timing->request != state.mine.request) return nullptr;
  for (const BenchRecord& r : snap.timing->records)
    if (r.kernel == state.mine.id) return &r;
  return nullptr;
}

void drawRunMineAgain(UiState& state, const Snapshot& snap, bool busy, bool loadErrors) {
  PluginLoad& pl = pluginLoad();
  const bool building = pl.build.valid();
  (void)busy;
  const bool rerunning = state.mine.request && snap.timing && snap.timing->request == state.mine.request &&
                         !snap.timing->complete && snap.timing->outcome != Outcome::Cancelled;
  ImGui::BeginDisabled(state.mine.id.empty() || building || rerunning);
  if (ImGui::Button(building && pl.rerunAfter ? "Rebuilding..." : rerunning ? "Running..." : "Run mine again"))
    state.mine.again = true;
  ImGui::EndDisabled();
  layout::recordItem("run_mine_again");
  tooltip(state.mine.id.empty()
              ? "Load your kernel first (Your own kernel in the control panel, or --plugin)."
              : "Rebuild " + state.mine.file + " if it changed, reload it and time " + state.mine.id +
                    " again at the current settings, beside the built-in kernels' results (they are not re-run). "
                    "Nothing is submitted.");
  const BenchRecord* r = mineRecord(state, snap);
  ImGui::PushTextWrapPos(0);
  if (r && r->outcome == Outcome::Failed) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.25f, 1));
    ImGui::TextUnformatted((state.mine.id + ": " + r->failure).c_str());
    ImGui::PopStyleColor();
    layout::recordItem("mine_failure");
  } else if (r && r->outcome == Outcome::Ok && snap.timing->complete) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s again: %.3g %s at n=%d, median %s", state.mine.id.c_str(), r->rate,
                  r->unit.c_str(), r->n, formatSeconds(r->medianS).c_str());
    ImGui::TextUnformatted(buf);
    layout::recordItem("mine_result");
  } else if (loadErrors && !pl.message.empty() && pl.error) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.25f, 1));
    ImGui::TextUnformatted(pl.message.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::PopTextWrapPos();
}

namespace {

void drawLoadKernel(UiState& state, const Snapshot& snap, bool busy) {
  PluginLoad& pl = pluginLoad();
  const bool building = pl.build.valid();
  // Folded by default: one row in the panel; open, the field has the whole
  // width and the button its own line, so neither is cut at 28 px.
  if (pl.reveal) ImGui::SetNextItemOpen(true);
  pl.reveal = false;
  const bool open = ImGui::TreeNodeEx("Your own kernel", ImGuiTreeNodeFlags_NoTreePushOnOpen);
  layout::recordItem("your_kernel");
  tooltip("Load your own kernel, written against cachescope_kernel.hpp (README 'Your own kernel').");
  // Loaded: "Run mine again" stays in view with the section folded.
  if (!state.mine.id.empty()) drawRunMineAgain(state, snap, busy, false);  // load errors show below
  if (!open) return;
  ImGui::PushItemWidth(-1);
  ImGui::InputTextWithHint("##plugin", "FILE.cpp or FILE.so", pl.path, sizeof pl.path);
  ImGui::PopItemWidth();
  layout::recordItem("plugin_path");
  tooltip("Your own kernel, written against cachescope_kernel.hpp (see README 'Your own kernel'): a .cpp is "
          "compiled first (-O3 -march=native), then it runs in a child process with limits, is verified, timed "
          "and, written over the access policy, traced like the built-in kernels. Its id is user.NAME.");
  if (building) ImGui::BeginDisabled();
  if (ImGui::Button(building ? "Building" : "Load kernel...") && pl.path[0]) startLoad(pl, pl.path, false);
  if (building) ImGui::EndDisabled();
  layout::recordItem("load_kernel");
  if (!pl.message.empty()) {
    if (pl.error) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.3f, 0.25f, 1));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(pl.message.c_str());
    ImGui::PopTextWrapPos();
    if (pl.error) ImGui::PopStyleColor();
  }
}

}  // namespace

void drawControlsPanel(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const float fs = ImGui::GetFontSize();
  // Title row: the name, and the button that folds the panel away.
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
  ImGui::TextUnformatted("cachescope");
  ImGui::PopStyleColor();
  tooltip("caches & parallelism, made visible");
  const char* hide = "<<";
  const ImGuiStyle& style = ImGui::GetStyle();
  const float hideW = ImGui::CalcTextSize(hide).x + style.FramePadding.x * 2;
  ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - hideW - style.ItemSpacing.x - displayButtonWidth());
  drawDisplayButton(state);
  ImGui::SameLine();
  if (ImGui::Button(hide)) state.panelShown = false;
  layout::recordItem("hide_panel");
  tooltip("Hide this panel (F9): the views get the whole width. >> or F9 brings it back.");

  // The kernel list takes what the rest leaves (measured last frame), at
  // least three rows; it scrolls inside itself.
  sectionHeading("Kernels");
  const float rowH = ImGui::GetFrameHeightWithSpacing();
  const float below = state.panelBelowH > 0 ? state.panelBelowH : rowH * 9 + fs * 3;
  float listH = std::max(rowH * 3, ImGui::GetContentRegionAvail().y - below);
  // No taller than its content: the parameters follow the list directly.
  if (state.kernelListContentH > 0) listH = std::min(listH, std::max(rowH * 3, state.kernelListContentH));
  drawKernelList(state, listH);

  const float y0 = ImGui::GetCursorPosY();
  drawLoadKernel(state, snap, progress.busy);
  drawParameters(state);
  drawRunControl(state, progress);
  state.panelBelowH = ImGui::GetCursorPosY() - y0;
}

}  // namespace cachescope::app
