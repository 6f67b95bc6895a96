// The Roofline view: this machine's measured roofs, one per data type (the
// fp32 FMA peak, the int8 multiply-add peak where measured, the DRAM slope
// that ReLU is bound by), and each kernel of the latest timing run placed by
// its arithmetic intensity and achieved rate under its own roof. A point
// above its roof says why on the plot (its working set fits in a cache, ...).
// "Per level" (issue 11): a bandwidth roof for L1d, L2, L3 and DRAM, and
// each traced kernel placed by the bytes one simulation of its loop nest
// moves at each level (bench/roofline_levels.hpp), its points joined; the
// untraced ones keep the compulsory estimate and say so.
// The measurement and the simulations run on the worker.
//
// Layout: the plot beside the machine's numbers where the view is wide, the
// numbers under the plot where it is not; the plot never below its minimum.
//
// [SECTION] points
// [SECTION] side panel
// [SECTION] view
#include <algorithm>
#include <cstdio>

#include "app/panels.hpp"
#include "app/view_layout.hpp"
#include "bench/roofline.hpp"
#include "bench/roofline_report.hpp"
#include "kernels/registry.hpp"
#include "plot/roofline_plot.hpp"

namespace cachescope::app {

namespace {

using views::BoxRecord;

// [SECTION] points

struct Placed {
  std::string id;
  Params params;
  std::string label;
  IntensityModel model;
  double rate = 0;  // GFLOP/s or GOP/s (int8)
  Roof roof = Roof::Fp32;
  std::string reason;  // why above its roof ("" not)
};

std::vector<Placed> placeKernels(const Snapshot& snap, const RooflineMachine& machine) {
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
      p.bits = r.bits ? *r.bits : 32;
      if (r.density) p.density = *r.density;
      Placed placed;
      placed.id = id;
      placed.params = p;
      placed.model = intensityModel(*k, p);
      placed.rate = placed.model.flops / r.medianS / 1e9;
      placed.roof = roofFor(*k, p);
      placed.reason = aboveRoofReason(machine, placed.roof, placed.model, placed.rate);
      placed.label = id + (p.bits != 32 ? " " + std::to_string(p.bits) + "-bit" : "") + " n=" + std::to_string(r.n);
      out.push_back(placed);
    }
  }
  // Short names ("blocked n=512") where no two kernels share one (relu.naive
  // and matmul.naive keep their family).
  for (Placed& p : out) {
    const std::string shortName = p.label.substr(p.label.find('.') + 1);
    const std::string stem = shortName.substr(0, shortName.find(' '));
    const int same = int(std::count_if(out.begin(), out.end(), [&](const Placed& o) {
      const std::string s = o.label.substr(o.label.find('.') + 1);
      return s.substr(0, s.find(' ')) == stem;
    }));
    if (same == 1) p.label = shortName;
  }
  return out;
}

// The placed kernels by their bytes per level, where the worker simulated
// that kernel at the same parameters.
std::vector<PlacedKernel> placeByLevel(const std::vector<Placed>& placed, const RooflineRun& rr) {
  std::vector<PlacedKernel> out;
  for (const Placed& p : placed) {
    const auto t = std::find_if(rr.traffic.begin(), rr.traffic.end(), [&](const RooflineKernelTraffic& t) {
      return t.kernel == p.id && t.params.n == p.params.n && t.params.block == p.params.block &&
             t.params.bits == p.params.bits && t.params.density == p.params.density;
    });
    if (t == rr.traffic.end()) continue;
    PlacedKernel k;
    k.record.kernel = p.id;
    k.record.n = p.params.n;
    if (p.params.bits != 32) k.record.bits = p.params.bits;
    k.model = p.model;
    k.gflops = p.rate;
    k.roofKind = p.roof;
    k.levels = placeLevels(rr.machine, k, t->traffic);
    out.push_back(k);
  }
  return out;
}

// [SECTION] side panel

void drawMachine(UiState& state, const RooflineRun& rr) {
  const RooflineMachine& m = rr.machine;
  views::heading("This machine");
  ImGui::Separator();
  ImGui::Text("fp32 peak   %.0f GFLOP/s", m.peakGflops);
  tooltip("fp32 FMA throughput: independent accumulators keep every FMA unit busy (" + m.simd +
          "). No fp32 kernel gets above this line.");
  if (m.int8PeakGops > 0) {
    ImGui::Text("int8 peak   %.0f GOP/s", m.int8PeakGops);
    tooltip("int8 multiply-add throughput of the int8 GEMM's own instructions (" + m.int8Simd +
            "), a product and its add counting 2 operations: the roof of the quantized kernels.");
  } else {
    ImGui::TextDisabled("int8 peak   not measured");
  }
  if (m.bf16PeakGflops > 0) {
    ImGui::Text("bf16 peak   %.0f GFLOP/s", m.bf16PeakGflops);
    tooltip("bf16 dot-product throughput of matmul.bf16's own instructions (" + m.bf16Simd +
            "), fp32 sums: the roof of the bf16 kernel.");
  } else {
    ImGui::TextDisabled("bf16 peak   not measured (no AVX512-BF16 or AMX-BF16)");
  }
  ImGui::Text("bandwidth   %.1f GB/s", m.bandwidthGBs);
  tooltip("STREAM-like triad a = b + s*c over arrays far larger than the last-level cache: what DRAM delivers. "
          "A kernel that reads each byte once from DRAM cannot beat intensity x this.");
  ImGui::Text("ridge       %.1f FLOP/byte", m.ridge());
  tooltip("Left of the ridge a kernel is memory-bound (the slanted roof), right of it compute-bound (the flat "
          "roof). Blocking and reuse move a kernel's real traffic down, so it can climb towards the flat roof.");
  ImGui::TextDisabled("%d thread%s, measured in %s", rr.threads, rr.threads == 1 ? "" : "s",
                      formatSeconds(rr.seconds).c_str());
  if (!m.levelRoofs.empty()) {
    for (const LevelRoof& r : m.levelRoofs) ImGui::Text("%-4s        %.1f GB/s", r.level.c_str(), r.gbPerSecond);
    tooltip("Sustained read bandwidth with the working set inside each level (the probe's read loop): the slope of "
            "that level's roof. A kernel's intensity at a level is its work over the bytes it moves there.");
  }
  if (ImGui::Button("Measure again")) state.actions.roofline = true;
  tooltip("Measure the peaks and bandwidth again with the thread count of the slider.");
}

void drawPlacedLevels(const std::vector<PlacedKernel>& placed, std::size_t waiting, float width, BoxRecord& rec) {
  views::heading("Kernels per level");
  ImGui::Separator();
  if (placed.empty()) {
    ImGui::TextDisabled(waiting ? "Simulating the kernels' loop nests..." : "Run the Timings first: each kernel appears here.");
    return;
  }
  const std::vector<std::string> names = [&] {
    std::vector<std::string> l;
    for (const PlacedKernel& p : placed) l.push_back(placedLabel(p.record));
    return shortLabels(l);
  }();
  std::vector<std::vector<std::string>> rows{{"kernel", "bound by", "of it"}};
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const LevelPlacement& L = placed[i].levels->placement;
    char b[32];
    std::snprintf(b, sizeof b, "%.0f%%", L.attainable > 0 ? 100 * placed[i].gflops / L.attainable : 0.0);
    rows.push_back({names[i], L.binding + (placed[i].levels->traffic.traced ? "" : "*"), b});
  }
  auto tip = [&](const PlacedKernel& p) {
    const PlacedLevels& L = *p.levels;
    std::string t = L.traffic.note + "\n";
    for (std::size_t l = 0; l < L.placement.levels.size(); ++l) {
      const LevelPoint& q = L.placement.levels[l];
      char line[200];
      std::snprintf(line, sizeof line, "%s (%s): %.1f MiB, %.3g FLOP/byte, ceiling %.3g GFLOP/s%s\n", q.level.c_str(),
                    q.boundary.c_str(), q.bytes / 1048576.0, q.intensity, q.attainable,
                    q.level == L.placement.binding ? "  <- binds" : "");
      t += line;
      if (!L.above[l].empty()) t += "  above that ceiling: " + L.above[l] + "\n";
    }
    if (L.placement.computePeak > 0) {
      char line[80];
      std::snprintf(line, sizeof line, "compute peak %.0f GFLOP/s%s", L.placement.computePeak,
                    L.placement.binding == "compute" ? "  <- binds" : "");
      t += line;
    }
    return t;
  };
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize() * 0.5f;
  float need = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    float w = 0;
    for (const auto& r : rows) w = std::max(w, ImGui::CalcTextSize(r[c].c_str()).x);
    need += w + pad;
  }
  if (need <= width && ImGui::BeginTable("##levels", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit,
                                         ImVec2(width, 0))) {
    for (const std::string& h : rows.front()) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < placed.size(); ++i) {
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < 3; ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(rows[i + 1][c].c_str());
        tooltip(tip(placed[i]));
      }
    }
    ImGui::EndTable();
    rec.addItem("table", "kernels per level", need);
  } else {
    for (std::size_t i = 0; i < placed.size(); ++i) {
      ImGui::TextWrapped("%s: bound by %s, at %s of it", rows[i + 1][0].c_str(), rows[i + 1][1].c_str(),
                         rows[i + 1][2].c_str());
      tooltip(tip(placed[i]));
    }
  }
  if (std::any_of(placed.begin(), placed.end(), [](const PlacedKernel& p) { return !p.levels->traffic.traced; }))
    views::note("* not traced: its compulsory DRAM bytes only, the caches' traffic unknown.");
  for (std::size_t i = 0; i < placed.size(); ++i)
    for (std::size_t l = 0; l < placed[i].levels->above.size(); ++l)
      if (!placed[i].levels->above[l].empty())
        views::note(names[i] + " is above its " + placed[i].levels->placement.levels[l].level +
                    " ceiling: " + placed[i].levels->above[l] + ".");
  views::note("Each point is the kernel's work over the bytes it moves at that level (one cache simulation of its "
              "loop nest, host caches); the lowest ceiling binds. Small matrices fit the L3: their DRAM bytes are "
              "the compulsory ones, and the levels above tell the kernels apart.");
  if (waiting) views::note("Simulating " + std::to_string(waiting) + " more kernel(s) at these settings...");
}

void drawPlaced(const std::vector<Placed>& placed, const RooflineMachine& m, float width, BoxRecord& rec) {
  views::heading("Kernels (latest run)");
  ImGui::Separator();
  if (placed.empty()) {
    ImGui::TextDisabled("Run the Timings first: each kernel appears here.");
    return;
  }
  std::vector<std::vector<std::string>> rows{{"kernel", "op/byte", "of roof"}};
  for (const Placed& p : placed) {
    const double roof = m.roofAt(p.roof, p.model.intensity());
    char a[32], b[32];
    std::snprintf(a, sizeof a, "%.2g", p.model.intensity());
    std::snprintf(b, sizeof b, "%.0f%% %s", roof > 0 ? 100 * p.rate / roof : 0.0, roofName(p.roof));
    rows.push_back({p.label, a, b});
  }
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize() * 0.5f;
  float need = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    float w = 0;
    for (const auto& r : rows) w = std::max(w, ImGui::CalcTextSize(r[c].c_str()).x);
    need += w + pad;
  }
  auto tip = [&](const Placed& p) {
    std::string t = p.model.formula + "\n" +
                    (p.roof == Roof::Memory ? "bound by the DRAM slope (one comparison per element)"
                     : p.model.intensity() * m.bandwidthGBs < m.peakOf(p.roof)
                         ? "memory-bound by its compulsory traffic: the slanted roof limits it"
                         : "compute-bound by its compulsory traffic: the gap to the roof is cache misses, missing SIMD "
                           "and loop overhead");
    if (!p.reason.empty()) t += "\nabove its roof: " + p.reason + " (the data comes from a cache, not DRAM, or the "
                                "measurement is noisy)";
    return t;
  };
  if (need <= width && ImGui::BeginTable("##placed", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit,
                                         ImVec2(width, 0))) {
    for (const std::string& h : rows.front()) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < placed.size(); ++i) {
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < 3; ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(rows[i + 1][c].c_str());
        tooltip(tip(placed[i]));
      }
    }
    ImGui::EndTable();
    rec.addItem("table", "placed kernels", need);
  } else {
    // Too narrow for three columns: one wrapped line per kernel.
    for (std::size_t i = 0; i < placed.size(); ++i) {
      ImGui::TextWrapped("%s: %s op/byte, %s of its roof", rows[i + 1][0].c_str(), rows[i + 1][1].c_str(),
                         rows[i + 1][2].c_str());
      tooltip(tip(placed[i]));
    }
  }
  for (const Placed& p : placed)
    if (!p.reason.empty()) views::note(p.label + " is above its roof: " + p.reason + ".");
  views::note("Intensity counts compulsory DRAM traffic only (each input read once, the output written once): a "
              "kernel that misses in the caches moves more bytes and really sits further left.");
}

}  // namespace

// [SECTION] view

void drawRooflineView(UiState& state, const Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  BoxRecord rec(state.access.wantLayout);
  if (!snap.roofline || snap.roofline->outcome != Outcome::Ok) {
    if (snap.roofline)
      ImGui::TextWrapped("The roofline measurement was stopped before it finished.");
    else
      ImGui::TextWrapped("Measuring this machine's roofs: an FMA loop for the fp32 peak, an int8 multiply-add loop, "
                         "and a triad over arrays four times the L3 for DRAM bandwidth (about a second)...");
    if (ImGui::Button("Measure roofline")) state.actions.roofline = true;
    tooltip("Runs on the worker thread with the thread count of the slider.");
    return;
  }
  const RooflineRun& rr = *snap.roofline;
  const std::vector<Placed> placed = placeKernels(snap, rr.machine);
  // Per level: measured (again) when the roofs per level or these settings'
  // simulations are missing (the app notes the key when it posts).
  if (state.rooflineLevels && rooflineLevelsKey(state.settings) != state.rooflineLevelsKey) state.actions.roofline = true;
  const bool perLevel = state.rooflineLevels && rr.levels && !rr.machine.levelRoofs.empty();
  const std::vector<PlacedKernel> byLevel = perLevel ? placeByLevel(placed, rr) : std::vector<PlacedKernel>{};
  std::vector<plot::RooflinePoint> points;
  for (const Placed& p : placed) points.push_back({p.label, p.model.intensity(), p.rate, p.roof, p.reason});
  plot::Plot chart = perLevel ? plot::rooflineLevelsPlot(rr.machine, rooflineLevelKernels(byLevel))
                              : plot::rooflinePlot(rr.machine, points);
  if (state.theme == Theme::Dark)
    for (plot::Series& s : chart.series)
      if (s.color && (*s.color == 0x333333FF || *s.color == 0x000000FF)) s.color = 0xE0E0E0FF;  // the roof, readable on dark

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float sideW = fs * 22.0f;
  const float minPlotW = std::max(views::plotMinWidth(chart), fs * 26);
  const bool beside = avail.x >= minPlotW + sideW + ImGui::GetStyle().ItemSpacing.x;
  const float btn = ImGui::GetFrameHeightWithSpacing();
  const float plotW = beside ? avail.x - sideW - ImGui::GetStyle().ItemSpacing.x : avail.x;
  // Stacked: the plot keeps a readable height and the numbers follow below
  // (the view scrolls).
  const float plotH = beside ? avail.y - btn : std::max(fs * 20, avail.y - btn);

  ImGui::BeginGroup();
  views::plotBox(chart, "roofline", plotW, plotH, plotTheme(state), rec);
  drawExportButtons(state, chart, perLevel ? "roofline-levels" : "roofline");
  ImGui::SameLine();
  if (ImGui::Checkbox("per level", &state.rooflineLevels) && state.rooflineLevels) state.rooflineLevelsKey.clear();
  tooltip("A roof per level: the read bandwidth of L1d, L2, L3 and DRAM, and each traced kernel placed by the bytes "
          "its loop nest moves at each level (simulated on the host caches), its points joined: the lowest ceiling "
          "binds. Off: one DRAM roof and compulsory traffic only.");
  ImGui::EndGroup();
  if (beside) ImGui::SameLine();
  const float panelW = beside ? sideW : avail.x;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + panelW);
  drawMachine(state, rr);
  ImGui::Spacing();
  if (perLevel)
    drawPlacedLevels(byLevel, placed.size() > byLevel.size() ? placed.size() - byLevel.size() : 0, panelW, rec);
  else
    drawPlaced(placed, rr.machine, panelW, rec);
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  rec.addItem("panel", "roofline numbers");
  if (state.access.wantLayout) state.access.layoutJson = rec.json("roofline");
}

}  // namespace cachescope::app
