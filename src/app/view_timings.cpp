// The Timings view: the selected kernels' rates as live bars with error bars,
// a table of speedups over naive, the recent-run history, and sweeps against
// n, block size and threads (with the ideal-speedup line).
//
// [SECTION] helpers
// [SECTION] rates and speedups
// [SECTION] sweeps
// [SECTION] history
#include <algorithm>
#include <cstdio>

#include "app/panels.hpp"
#include "kernels/registry.hpp"
#include "plot/bench_plots.hpp"
#include "report/writers.hpp"

namespace cachescope::app {

namespace {

// [SECTION] helpers

const BenchRecord* findRecord(const std::vector<BenchRecord>& rs, const std::string& kernel) {
  for (const BenchRecord& r : rs)
    if (r.kernel == kernel && r.outcome == Outcome::Ok) return &r;
  return nullptr;
}

std::string settingsText(const RunSettings& s, int n) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "n=%d  block=%d  threads=%d", n, s.params.block, s.params.threads);
  return buf;
}

plot::SweepAxis toPlotAxis(SweepAxis a) {
  return a == SweepAxis::Block ? plot::SweepAxis::Block
         : a == SweepAxis::Threads ? plot::SweepAxis::Threads
                                   : plot::SweepAxis::N;
}

// Records sorted into the selection's (ladder) order, so bars do not jump
// around as kernels finish fastest-first.
std::vector<BenchRecord> inLadderOrder(const TimingRun& run) {
  std::vector<BenchRecord> out;
  for (const std::string& id : run.settings.kernels)
    for (const BenchRecord& r : run.records)
      if (r.kernel == id) out.push_back(r);
  return out;
}

// [SECTION] rates and speedups

void drawSpeedupTable(const TimingRun& run, const std::vector<BenchRecord>& records) {
  const BenchRecord* naive = findRecord(records, kernelRoles().baseline);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##speedups", 4, flags)) return;
  ImGui::TableSetupColumn("kernel", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  std::string unit = "rate";
  for (const BenchRecord& r : records)
    if (r.outcome == Outcome::Ok) {
      unit = r.unit;
      break;
    }
  ImGui::TableSetupColumn(unit.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("speedup", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("median", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  for (const std::string& id : run.settings.kernels) {
    const Kernel* k = findKernel(id);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    // Short ids keep the numbers readable at lecture font sizes.
    ImGui::TextUnformatted(id.substr(id.find('.') + 1).c_str());
    if (k) tooltip(k->info.title + " (" + id + ")\n\n" + k->info.teaches);
    const BenchRecord* r = nullptr;
    for (const BenchRecord& rec : records)
      if (rec.kernel == id) r = &rec;
    ImGui::TableNextColumn();
    if (!r) {
      ImGui::TextDisabled(run.complete || run.outcome == Outcome::Cancelled ? "-" : "...");
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      continue;
    }
    if (r->outcome != Outcome::Ok) {
      ImGui::TextColored(ImVec4(0.95f, 0.4f, 0.3f, 1), r->outcome == Outcome::Cancelled ? "stopped" : "failed");
      tooltip(outcomeText(*r));
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      continue;
    }
    ImGui::Text(r->rate >= 100 ? "%.0f" : r->rate >= 10 ? "%.1f" : "%.2f", r->rate);
    {
      char tip[256];
      std::snprintf(tip, sizeof tip,
                    "median of %d runs (after %d warm-up)\nfastest %.3g, slowest %.3g %s\nstddev of the times: %.2g%%",
                    r->reps, r->warmup, r->minS > 0 ? r->work / r->minS / 1e9 : 0.0,
                    r->maxS > 0 ? r->work / r->maxS / 1e9 : 0.0, r->unit.c_str(),
                    r->meanS > 0 ? 100.0 * r->stddevS / r->meanS : 0.0);
      std::string t = tip;
      if (r->errRelative) {
        char e[96];
        std::snprintf(e, sizeof e, "\nerror vs fp32: %.2g relative (max abs %.2g)", *r->errRelative,
                      r->errMaxAbs.value_or(0));
        t += e;
      }
      tooltip(t);
    }
    ImGui::TableNextColumn();
    if (naive && naive->rate > 0 && r->unit == naive->unit) {
      const double speedup = r->rate / naive->rate;
      ImGui::Text("%.1fx", speedup);
      tooltip("Speedup over the naive ijk loop at the same n: the same arithmetic, "
              "only the order of memory accesses (and then SIMD, threads) differs.");
    } else {
      ImGui::TextDisabled("-");
      tooltip("Select the naive kernel to see speedups over it.");
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(formatSeconds(r->medianS).c_str());
  }
  ImGui::EndTable();
}

void drawRates(UiState& state, const Snapshot& snap, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  const TimingRun* run = snap.timing ? &*snap.timing : nullptr;
  // While the real size runs and nothing of it is in, show the quick look.
  const bool showPreview = snap.preview && (!run || run->request != snap.preview->request || run->records.empty());
  const TimingRun* shown = showPreview ? &*snap.preview : run;
  ImGui::BeginGroup();
  if (!shown) {
    ImGui::Dummy(ImVec2(size.x, fs));
    ImGui::TextDisabled("No measurement yet: press Run (or move a slider with auto-rerun on).");
    ImGui::Dummy(ImVec2(size.x, size.y - fs * 3));
    ImGui::EndGroup();
    return;
  }
  std::vector<BenchRecord> records = inLadderOrder(*shown);
  plot::Plot p = plot::rateBars(records);
  // "naive" reads better than "matmul.naive" under a bar at lecture sizes.
  for (std::string& c : p.x.categories)
    if (c.rfind("matmul.", 0) == 0) c.erase(0, 7);
  if (showPreview)
    p.subtitle = "quick look: 1 run each at n=" + std::to_string(shown->n) + ", while n=" +
                 std::to_string(shown->settings.params.n) + " is measured";
  else if (!shown->complete)
    p.subtitle = std::string(shown->outcome == Outcome::Cancelled ? "stopped: " : "measuring: ") + std::to_string(records.size()) + " of " +
                 std::to_string(shown->settings.kernels.size()) + " kernels, " + settingsText(shown->settings, shown->n);
  else
    p.subtitle = settingsText(shown->settings, shown->n) + ", median of repetitions, bars: fastest/slowest";
  const float tableW = std::max(fs * 19.0f, size.x * 0.4f);
  const float plotW = size.x - tableW - ImGui::GetStyle().ItemSpacing.x;
  ImGui::BeginGroup();
  drawPlot(p, "rates", ImVec2(plotW, size.y - ImGui::GetFrameHeightWithSpacing()), plotTheme(state));
  drawExportButtons(state, p, "rates", [records](bool json) { return json ? formatJson(records) : formatCsv(records); });
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("##speedup", ImVec2(tableW, size.y), false);
  ImGui::TextUnformatted(showPreview ? "Quick look" : shown->complete ? "Measured" : "Measuring...");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", settingsText(shown->settings, shown->n).c_str());
  drawSpeedupTable(*shown, records);
  if (shown->complete) ImGui::TextDisabled("took %s", formatSeconds(shown->seconds).c_str());
  ImGui::Spacing();
  // [SECTION] history
  ImGui::TextUnformatted("Recent runs");
  tooltip("The last completed measurements, newest first: compare settings without re-running.");
  if (snap.history.empty()) {
    ImGui::TextDisabled("none yet");
  } else if (ImGui::BeginTable("##history", 3,
                               ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("best", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("slowest", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableHeadersRow();
    for (auto it = snap.history.rbegin(); it != snap.history.rend(); ++it) {
      const BenchRecord *best = nullptr, *worst = nullptr;
      for (const BenchRecord& r : it->records) {
        if (r.outcome != Outcome::Ok) continue;
        if (!best || r.rate > best->rate) best = &r;
        if (!worst || r.rate < worst->rate) worst = &r;
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("n=%d", it->n);
      tooltip("n=" + std::to_string(it->n) + ", block " + std::to_string(it->settings.params.block) + ", " +
              std::to_string(it->settings.params.threads) + " thread(s), took " + formatSeconds(it->seconds));
      ImGui::TableNextColumn();
      if (best) {
        ImGui::Text("%.1f %s", best->rate, best->kernel.substr(best->kernel.find('.') + 1).c_str());
        tooltip(best->kernel + ": " + std::to_string(best->rate) + " " + best->unit);
      }
      ImGui::TableNextColumn();
      if (worst) {
        ImGui::Text("%.2f %s", worst->rate, worst->kernel.substr(worst->kernel.find('.') + 1).c_str());
        tooltip(worst->kernel + ": " + std::to_string(worst->rate) + " " + worst->unit);
      }
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::EndGroup();
}

// [SECTION] sweeps

void drawSweep(UiState& state, const Snapshot& snap, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("Sweep");
  ImGui::SameLine();
  struct AxisButton {
    SweepAxis axis;
    const char* label;
    const char* tip;
  };
  const AxisButton buttons[] = {
      {SweepAxis::N, "vs n",
       "Rate against matrix size (64 up to the n slider). Watch the naive kernel fall off a cliff when a "
       "column of B stops fitting in a cache."},
      {SweepAxis::Block, "vs block",
       "Rate of the blocked kernel against tile size: too small wastes loop overhead, too large spills the "
       "three tiles out of L1/L2."},
      {SweepAxis::Threads, "vs threads",
       "Rate against thread count with the ideal (linear) speedup dashed: the gap is memory bandwidth and "
       "shared caches."},
  };
  for (const AxisButton& b : buttons) {
    ImGui::SameLine();
    const bool applies = !sweepValues(b.axis, state.settings).empty();
    ImGui::BeginDisabled(!applies);
    if (ImGui::Button(b.label)) state.actions.sweep = b.axis;
    ImGui::EndDisabled();
    tooltip(applies ? b.tip : "No selected kernel reads this parameter.");
  }
  const float h = size.y - ImGui::GetFrameHeightWithSpacing() * 2;
  if (!snap.sweep) {
    ImGui::Dummy(ImVec2(size.x, fs * 0.5f));
    ImGui::TextDisabled("Pick an axis above to measure a sweep.");
    ImGui::Dummy(ImVec2(size.x, std::max(0.0f, h - fs * 2)));
    return;
  }
  const SweepRun& s = *snap.sweep;
  plot::Plot p = plot::sweepPlot(s.records, toPlotAxis(s.axis));
  if (!s.complete)
    p.subtitle = std::string(s.outcome == Outcome::Cancelled ? "stopped after " : "measuring: ") + std::to_string(s.records.size()) +
                 " points so far";
  else if (!(s.settings == state.settings))
    p.subtitle = "measured with other settings (n=" + std::to_string(s.settings.params.n) + ", block=" +
                 std::to_string(s.settings.params.block) + "); press a sweep button to redo it";
  drawPlot(p, "sweep", ImVec2(size.x, h), plotTheme(state));
  drawExportButtons(state, p, (std::string("sweep-") + toString(s.axis)).c_str(),
                    [recs = s.records](bool json) { return json ? formatJson(recs) : formatCsv(recs); });
}

}  // namespace

void drawTimingsView(UiState& state, const Snapshot& snap) {
  // Large fonts need more room than the window has: the view scrolls rather
  // than squashing the plots.
  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float top = std::max(fs * 15, avail.y * 0.46f);
  drawRates(state, snap, ImVec2(avail.x, top));
  ImGui::Spacing();
  drawSweep(state, snap, ImVec2(avail.x, std::max(fs * 15, ImGui::GetContentRegionAvail().y)));
}

}  // namespace cachescope::app
