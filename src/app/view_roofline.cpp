// The Roofline view: this machine's measured peak FLOP/s and DRAM bandwidth
// as the roof, each kernel of the latest timing run placed by its arithmetic
// intensity and achieved rate. The measurement runs on the worker.
#include <algorithm>
#include <cstdio>

#include "app/panels.hpp"
#include "bench/roofline.hpp"
#include "kernels/registry.hpp"
#include "plot/roofline_plot.hpp"

namespace cachescope::app {

namespace {

struct Placed {
  std::string label;
  IntensityModel model;
  double gflops = 0;
};

std::vector<Placed> placeKernels(const Snapshot& snap) {
  std::vector<Placed> out;
  // The newest complete run; a run in progress would make points jump.
  const TimingRun* run = nullptr;
  if (snap.timing && snap.timing->complete) run = &*snap.timing;
  else if (!snap.history.empty()) run = &snap.history.back();
  if (!run) return out;
  for (const std::string& id : run->settings.kernels) {
    const Kernel* k = findKernel(id);
    if (!k) continue;
    for (const BenchRecord& r : run->records) {
      if (r.kernel != id || r.outcome != Outcome::Ok || r.medianS <= 0) continue;
      Params p = run->settings.params;
      p.n = r.n;
      if (r.block) p.block = *r.block;
      if (r.threads) p.threads = *r.threads;
      if (r.bits) p.bits = *r.bits;
      if (r.density) p.density = *r.density;
      Placed placed;
      placed.model = intensityModel(*k, p);
      placed.gflops = placed.model.flops / r.medianS / 1e9;
      placed.label = id.substr(id.find('.') + 1) + " n=" + std::to_string(r.n);
      out.push_back(placed);
    }
  }
  return out;
}

}  // namespace

void drawRooflineView(UiState& state, const Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float sideW = std::max(fs * 18.0f, avail.x * 0.3f);
  const float plotW = avail.x - sideW - ImGui::GetStyle().ItemSpacing.x;

  if (!snap.roofline || snap.roofline->outcome != Outcome::Ok) {
    if (snap.roofline)
      ImGui::TextWrapped("The roofline measurement was stopped before it finished.");
    else
      ImGui::TextWrapped("Measuring this machine's roof: an FMA loop for peak FLOP/s and a triad over arrays "
                         "four times the L3 for DRAM bandwidth (about a second)...");
    if (ImGui::Button("Measure roofline")) state.actions.roofline = true;
    tooltip("Runs on the worker thread with the thread count of the slider.");
    return;
  }
  const RooflineRun& rr = *snap.roofline;
  const std::vector<Placed> placed = placeKernels(snap);
  std::vector<plot::RooflinePoint> points;
  for (const Placed& p : placed) points.push_back({p.label, p.model.intensity(), p.gflops});
  plot::Plot chart = plot::rooflinePlot(rr.machine, points);
  if (state.theme == Theme::Dark)
    for (plot::Series& s : chart.series)
      if (s.color && *s.color == 0x333333FF) s.color = 0xE0E0E0FF;  // the roof, readable on dark

  ImGui::BeginGroup();
  drawPlot(chart, "roofline", ImVec2(plotW, avail.y - ImGui::GetFrameHeightWithSpacing()), plotTheme(state));
  drawExportButtons(state, chart, "roofline");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("##rooflineside", ImVec2(sideW, avail.y), false);
  ImGui::TextUnformatted("This machine");
  ImGui::Separator();
  ImGui::Text("peak      %.0f GFLOP/s", rr.machine.peakGflops);
  tooltip("fp32 FMA throughput: independent accumulators keep every FMA unit busy (" + rr.machine.simd +
          "). No real kernel gets above this line.");
  ImGui::Text("bandwidth %.1f GB/s", rr.machine.bandwidthGBs);
  tooltip("STREAM-like triad a = b + s*c over arrays far larger than the last-level cache: what DRAM delivers. "
          "A kernel that reads each byte once cannot beat intensity x this.");
  ImGui::Text("ridge     %.1f FLOP/byte", rr.machine.ridge());
  tooltip("Left of the ridge a kernel is memory-bound (the slanted roof), right of it compute-bound (the flat "
          "roof). Blocking and reuse move a kernel's real traffic down, so it can climb towards the flat roof.");
  ImGui::TextDisabled("%d thread%s, measured in %s", rr.threads, rr.threads == 1 ? "" : "s",
                      formatSeconds(rr.seconds).c_str());
  if (ImGui::Button("Measure again")) state.actions.roofline = true;
  tooltip("Measure peak and bandwidth again with the thread count of the slider.");
  ImGui::Spacing();
  ImGui::TextUnformatted("Kernels (latest run)");
  ImGui::Separator();
  if (placed.empty()) {
    ImGui::TextDisabled("Run the Timings first: each kernel appears here.");
  } else if (ImGui::BeginTable("##placed", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("kernel", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableSetupColumn("FLOP/B", ImGuiTableColumnFlags_WidthStretch, 0.9f);
    ImGui::TableSetupColumn("of roof", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (const Placed& p : placed) {
      const double roof = plot::rooflineAt(rr.machine, p.model.intensity());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p.label.c_str());
      tooltip(p.model.formula);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", p.model.intensity());
      ImGui::TableNextColumn();
      ImGui::Text("%.0f%%", roof > 0 ? 100 * p.gflops / roof : 0.0);
      tooltip(p.model.intensity() < rr.machine.ridge()
                  ? "memory-bound by its compulsory traffic: the slanted roof limits it"
                  : "compute-bound by its compulsory traffic: the gap to the roof is cache misses, "
                    "missing SIMD and loop overhead");
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace cachescope::app
