// The status bar: what the worker is doing (progress, elapsed time, ETA and
// a Cancel button), warnings the results carry (a wide spread, a busy
// machine), and what this machine is (so a screenshot explains itself).
// Everything is laid out to fit: parts that do not fit are left out whole
// (the host line first, the kernel name of the progress next), never cut.
#include <algorithm>
#include <cstdio>

#include "app/layout_record.hpp"
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

float textW(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }

// The warnings of the results on screen, each once ("matmul.blas: ...").
std::vector<std::string> resultWarnings(const Snapshot& snap) {
  std::vector<std::string> out;
  auto add = [&](const std::vector<BenchRecord>& records) {
    for (const BenchRecord& r : records)
      for (const std::string& w : r.warnings) {
        const std::string line = r.kernel + ": " + w;
        if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(line);
      }
  };
  if (snap.timing) add(snap.timing->records);
  if (snap.sweep) add(snap.sweep->records);
  return out;
}

// The longest text of `choices` that fits `width`; "" when none does.
std::string longestFitting(const std::vector<std::string>& choices, float width) {
  for (const std::string& c : choices)
    if (textW(c) <= width) return c;
  return "";
}

}  // namespace

void drawStatusBar(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float x0 = ImGui::GetCursorPosX();
  const float gap = fs;

  // Right: the job in flight (and Cancel), else the last message.
  const char* cancelLabel = "Cancel (Esc)";
  const float cancelW = textW(cancelLabel) + style.FramePadding.x * 2;
  std::string overlay, message;
  float rightW = 0;
  if (progress.busy) {
    char pct[32], times[96];
    std::snprintf(pct, sizeof pct, "%.0f%%", progress.fraction * 100);
    std::snprintf(times, sizeof times, "%s elapsed%s", formatSeconds(progress.elapsedS).c_str(),
                  progress.etaS >= 0 ? (", about " + formatSeconds(progress.etaS) + " left").c_str() : "");
    const std::string what = progress.what.empty() ? toString(progress.kind) : progress.what;
    const float barMax = std::max(fs * 6, avail * 0.62f - cancelW - style.ItemSpacing.x);
    overlay = longestFitting({what + "  " + pct + "  " + times, std::string(pct) + "  " + times, pct},
                             barMax - style.FramePadding.x * 2);
    const float barW = std::max(fs * 6, textW(overlay) + style.FramePadding.x * 2 + fs);
    rightW = barW + style.ItemSpacing.x + cancelW;
  } else {
    message = !snap.error.empty() ? snap.error : !state.notice.empty() ? state.notice : "idle";
    rightW = std::min(textW(message), avail * 0.6f);
  }

  // Middle: the results' warnings (a wide spread, a busy machine), first
  // one in words where it fits, else the count; all in the tooltip.
  const std::vector<std::string> warnings = resultWarnings(snap);
  std::string warnText;
  if (!warnings.empty()) {
    const std::string more = warnings.size() > 1 ? "  (+" + std::to_string(warnings.size() - 1) + ")" : "";
    warnText = longestFitting({"! " + warnings.front() + more, "! " + std::to_string(warnings.size()) +
                                   (warnings.size() == 1 ? " warning" : " warnings") + " (hover)"},
                              std::max(0.0f, avail - rightW - gap));
  }
  const float warnW = warnText.empty() ? 0 : textW(warnText) + gap;

  // Left: the host, with its CPU model where there is room.
  const std::string host =
      longestFitting({hostLine(true), hostLine(false)}, std::max(0.0f, avail - rightW - warnW - gap));

  ImGui::AlignTextToFramePadding();
  bool first = true;
  if (!host.empty()) {
    ImGui::TextUnformatted(host.c_str());
    layout::recordItem("host");
    tooltip(hostLine(true) +
            "\n\nThis machine, read from /proc/cpuinfo and /sys/devices/system/cpu/cpu0/cache. The cache sizes are "
            "the ones the tooltips and the Cache view use.");
    first = false;
  }
  if (!warnText.empty()) {
    if (!first) ImGui::SameLine(0, gap);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImVec4(0.90f, 0.45f, 0.10f, 1), "%s", warnText.c_str());
    layout::recordItem("warnings");
    std::string tip = "The numbers on screen come with warnings:\n";
    for (const std::string& w : warnings) tip += "\n- " + w;
    tip += "\n\nA wide spread of the repetitions or a busy machine (other processes on the cores) makes a median "
           "less trustworthy: rerun, or close what else is running.";
    tooltip(tip);
    first = false;
  }
  ImGui::SameLine(x0 + avail - rightW, 0);
  if (progress.busy) {
    ImGui::ProgressBar(float(progress.fraction), ImVec2(rightW - cancelW - style.ItemSpacing.x, 0), overlay.c_str());
    layout::recordItem("progress");
    tooltip(std::string("Worker: ") + toString(progress.kind) + " (" + progress.what + "), running for " +
            formatSeconds(progress.elapsedS) +
            (progress.etaS >= 0 ? ", about " + formatSeconds(progress.etaS) + " left" : std::string()) +
            ". Cancel or Esc stops it within a fraction of a second.");
    ImGui::SameLine();
    if (ImGui::Button(cancelLabel)) state.actions.stop = true;
    layout::recordItem("cancel");
    tooltip("Stop the job in flight (Esc): the kernel stops within a fraction of a second, even mid-run.");
  } else {
    // A message longer than its share shows its start; the tooltip has all.
    std::string shown = message;
    if (textW(shown) > rightW) {
      while (!shown.empty() && textW(shown + "...") > rightW) shown.pop_back();
      shown += "...";
    }
    if (!snap.error.empty()) ImGui::TextColored(ImVec4(0.90f, 0.30f, 0.25f, 1), "%s", shown.c_str());
    else if (!state.notice.empty()) ImGui::TextUnformatted(shown.c_str());
    else ImGui::TextDisabled("%s", shown.c_str());
    layout::recordItem("message");
    tooltip(message);
  }
}

}  // namespace cachescope::app
