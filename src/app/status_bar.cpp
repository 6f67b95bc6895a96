// The status bar: what this machine is (so a screenshot explains itself) and
// what the worker is doing, with an ETA.
#include <cstdio>

#include "app/panels.hpp"
#include "platform/host.hpp"

namespace cachescope::app {

namespace {

std::string hostLine(bool withModel) {
  const HostInfo& h = host();
  std::string s;
  if (withModel) s = (h.cpuModel.empty() ? "unknown CPU" : h.cpuModel) + "  |  ";
  for (const CacheInfo& c : h.caches) {
    // Appends, not `"L" + std::to_string(...)`: GCC 12 warns falsely on that (-Wrestrict).
    s += 'L';
    s += std::to_string(c.level);
    s += c.level == 1 ? "d " : " ";
    s += formatBytes(c.sizeBytes);
    s += ' ';
    s += std::to_string(c.ways);
    s += "-way  ";
  }
  s += "|  " + std::to_string(h.logicalCores) + (h.logicalCores == 1 ? " core" : " cores");
  s += "  |  " + std::string(toString(activeSimd()));
  if (h.avx512vnni && activeSimd() == SimdLevel::Avx512) s += " VNNI";
  return s;
}

}  // namespace

void drawStatusBar(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const float fs = ImGui::GetFontSize();
  const float avail = ImGui::GetContentRegionAvail().x;
  // The right side: the progress bar while busy, else a short message.
  std::string message = !snap.error.empty() ? snap.error : !state.notice.empty() ? state.notice : "idle";
  const float right = progress.busy ? std::min(avail * 0.45f, fs * 30)
                                    : std::min(avail * 0.45f, ImGui::CalcTextSize(message.c_str()).x + fs * 0.5f);
  ImGui::AlignTextToFramePadding();
  // Large fonts: drop the CPU model (it is in the tooltip) before overlapping.
  std::string line = hostLine(true);
  if (ImGui::CalcTextSize(line.c_str()).x > avail - right - fs) line = hostLine(false);
  ImGui::PushClipRect(ImGui::GetCursorScreenPos(),
                      ImVec2(ImGui::GetCursorScreenPos().x + avail - right - fs * 0.5f, ImGui::GetWindowPos().y + ImGui::GetWindowHeight()),
                      true);
  ImGui::TextUnformatted(line.c_str());
  ImGui::PopClipRect();
  tooltip(hostLine(true) + "\n\nThis machine, read from /proc/cpuinfo and /sys/devices/system/cpu/cpu0/cache. The cache sizes are "
          "the ones the tooltips and the Cache view use.");
  ImGui::SameLine(avail - right);
  if (progress.busy) {
    char overlay[256];
    std::string eta = progress.etaS >= 0 ? ", about " + formatSeconds(progress.etaS) + " left" : "";
    std::snprintf(overlay, sizeof overlay, "%s  %.0f%%%s", progress.what.c_str(), progress.fraction * 100,
                  eta.c_str());
    ImGui::ProgressBar(float(progress.fraction), ImVec2(right, 0), overlay);
    tooltip(std::string("Worker: ") + toString(progress.kind) + ", running for " +
            formatSeconds(progress.elapsedS) + ". Stop ends it after the current repetition.");
  } else if (!snap.error.empty()) {
    ImGui::TextColored(ImVec4(0.95f, 0.45f, 0.35f, 1), "%s", snap.error.c_str());
    tooltip(snap.error);
  } else if (!state.notice.empty()) {
    ImGui::TextUnformatted(state.notice.c_str());
    tooltip(state.notice);
  } else {
    ImGui::TextDisabled("idle");
  }
}

}  // namespace cachescope::app
