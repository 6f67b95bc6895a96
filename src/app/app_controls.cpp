// The control column: kernel selection by family, problem sliders, run
// control, appearance. Every control has a tooltip that teaches something.
//
// [SECTION] helpers
// [SECTION] kernels
// [SECTION] parameters
// [SECTION] run control
// [SECTION] appearance
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"

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

bool isQuantId(const std::string& id) {
  for (const auto& [bits, kernel] : kernelRoles().precision)
    if (id == kernel) return true;
  return false;
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

// [SECTION] kernels

void drawKernelList(UiState& state) {
  sectionHeading("Kernels");
  for (Family family : {Family::Matmul, Family::Relu}) {
    bool any = false;
    for (const Kernel& k : kernels()) any = any || k.info.family == family;
    if (!any) continue;
    ImGui::TextDisabled("%s", toString(family));
    for (const Kernel& k : kernels()) {
      if (k.info.family != family) continue;
      // The quantization control below picks among these.
      if (isQuantId(k.info.id)) continue;
      auto& ks = state.settings.kernels;
      bool on = std::find(ks.begin(), ks.end(), k.info.id) != ks.end();
      if (ImGui::Checkbox(k.info.title.c_str(), &on)) toggleKernel(state.settings, k.info.id, on);
      std::string tip = k.info.id + "\n\n" + k.info.teaches;
      if (!k.info.traceNote.empty()) tip += "\n\nCache view: " + k.info.traceNote;
      tooltip(tip);
    }
  }
}

// [SECTION] parameters

void drawParameters(UiState& state) {
  sectionHeading("Problem");
  Params& p = state.settings.params;
  const float labelW = ImGui::GetFontSize() * 4.5f;
  ImGui::PushItemWidth(-labelW);

  // n: log slider, snapped to multiples of 16 so values stay readable.
  int n = p.n;
  if (ImGui::SliderInt("n", &n, 32, 2048, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    p.n = std::clamp((n + 8) / 16 * 16, 32, kMaxN);
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
  if (maxThreads > 1) {
    ImGui::SliderInt("threads", &p.threads, 1, maxThreads, "%d", ImGuiSliderFlags_AlwaysClamp);
  } else {
    ImGui::BeginDisabled();
    ImGui::SliderInt("threads", &p.threads, 1, 1);
    ImGui::EndDisabled();
  }
  tooltip("Size of the task arena the parallel kernels (and OpenBLAS) run in: 1 to this machine's " +
          std::to_string(maxThreads) +
          " logical cores. Ideal speedup is linear; memory bandwidth and shared caches are why it is not.");

  // Quantization: only the widths whose kernel is registered.
  std::vector<std::pair<int, std::string>> quant;
  for (int bits : {32, 8, 4})
    if (std::string id = quantKernelId(bits); !id.empty()) quant.push_back({bits, id});
  if (!quant.empty()) {
    ImGui::TextUnformatted("precision");
    tooltip(
        "fp32: 4 bytes per value. int8 / int4 store 1 byte / half a byte: 4x / 8x more values per cache line and "
        "per byte of bandwidth, paid for with rounding error (shown beside the rate).");
    // The choices go on their own line: beside the label, int4 ran off the
    // control column.
    bool first = true;
    for (const auto& [bits, id] : quant) {
      if (!first) ImGui::SameLine();
      first = false;
      const bool selected = std::find(state.settings.kernels.begin(), state.settings.kernels.end(), id) !=
                            state.settings.kernels.end();
      const char* label = bits == 32 ? "fp32" : bits == 8 ? "int8" : "int4";
      if (ImGui::RadioButton(label, selected)) {
        if (selected) {
          toggleKernel(state.settings, id, false);  // a second click removes it from the comparison
        } else {
          for (const auto& q : quant) toggleKernel(state.settings, q.second, false);
          toggleKernel(state.settings, id, true);
          p.bits = bits;
        }
      }
      const Kernel* k = findKernel(id);
      tooltip(id + (k ? "\n\n" + k->info.teaches : std::string()) + "\n\nClick again to leave it out.");
    }
  }

  bool densityKernel = false;
  for (const Kernel& k : kernels()) densityKernel = densityKernel || k.uses(Param::Density);
  if (densityKernel) {
    float d = float(p.density);
    if (ImGui::SliderFloat("density", &d, 0.01f, 1.0f, "%.2f", ImGuiSliderFlags_AlwaysClamp))
      p.density = std::clamp(double(d), 0.01, 1.0);
    tooltip(
        "Share of A's entries kept by the sparse kernel. A CSR matrix skips the zeros but reads an index per "
        "value: below some density it beats the dense kernel, above it loses.");
  }
  ImGui::PopItemWidth();
}

// [SECTION] run control

void drawRunControl(UiState& state, const ProgressView& progress) {
  sectionHeading("Run");
  const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  if (ImGui::Button("Run", ImVec2(w, 0))) state.actions.run = true;
  tooltip("Time the selected kernels now: a quick look first (one run each), then the median of several runs.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!progress.busy);
  if (ImGui::Button("Stop", ImVec2(w, 0))) state.actions.stop = true;
  ImGui::EndDisabled();
  tooltip(
      "Stop the measurement in flight. A kernel run cannot be interrupted halfway: it stops after the current "
      "repetition.");
  ImGui::Checkbox("auto-rerun on change", &state.autoRerun);
  tooltip("Rerun as soon as a slider stops moving (after 150 ms of stillness), cancelling a run in flight.");
  if (state.settings.kernels.empty()) ImGui::TextColored(ImVec4(0.9f, 0.5f, 0.2f, 1), "Select at least one kernel.");
}

// [SECTION] appearance

void drawAppearance(UiState& state) {
  sectionHeading("Display");
  int theme = int(state.theme);
  ImGui::TextUnformatted("theme");
  ImGui::SameLine();
  if (ImGui::RadioButton("dark", &theme, int(Theme::Dark))) state.actions.applyTheme = true;
  tooltip("Dark background: easy on the eyes on a laptop.");
  ImGui::SameLine();
  if (ImGui::RadioButton("light", &theme, int(Theme::Light))) state.actions.applyTheme = true;
  tooltip("Light background: reads best on a projector in a lit hall.");
  state.theme = Theme(theme);

  ImGui::PushItemWidth(-ImGui::GetFontSize() * 4.5f);
  ImGui::SliderFloat("text size", &state.fontSize, kMinFontSize, kMaxFontSize, "%.0f px",
                     ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemDeactivatedAfterEdit()) state.actions.rebuildFonts = true;
  tooltip("Font size in pixels (also --font-size). 24-32 px for the back row of a lecture hall.");
  ImGui::PopItemWidth();
  if (ImGui::Button(state.fullscreen ? "Leave fullscreen (F11)" : "Fullscreen (F11)"))
    state.actions.toggleFullscreen = true;
  tooltip("F11 toggles fullscreen; F12 saves a screenshot of the window as PNG.");
}

}  // namespace

void drawControlsPanel(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_Text));
  ImGui::SetWindowFontScale(1.25f);
  ImGui::TextUnformatted("cachescope");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("caches & parallelism, made visible");
  drawKernelList(state);
  drawParameters(state);
  drawRunControl(state, progress);
  drawAppearance(state);
  (void)snap;
}

}  // namespace cachescope::app
