// The Cache view: naive and blocked matmul on a simulation of this machine's
// caches, fed the exact access stream of their loop nests. Hit rates per
// level side by side, misses split into the three Cs, and the hit rate of
// the blocked kernel against block size with a marker where the three tiles
// (3 x b^2 x 4 bytes) outgrow each cache.
//
// [SECTION] plots
// [SECTION] table
// [SECTION] view
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "platform/host.hpp"

namespace cachescope::app {

namespace {

// [SECTION] plots

std::string shortKernel(const std::string& id) { return id.substr(id.find('.') + 1); }

std::string percent(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
  return buf;
}

plot::Plot hitRatePlot(const CacheRun& run) {
  plot::Plot p;
  p.title = "Hit rate per cache level (higher is better)";
  p.subtitle = "n=" + std::to_string(run.n) + ", blocked with b=" + std::to_string(run.block) +
               "; simulated on this machine's caches, LRU";
  p.y.label = "hit rate (%)";
  p.y.min = 0;
  p.y.max = 100;
  p.x.categories = run.levelNames;
  for (std::size_t s = 0; s < run.sides.size(); ++s) {
    const CacheSide& side = run.sides[s];
    plot::Series series;
    series.name = shortKernel(side.kernel);
    series.kind = plot::SeriesKind::Bars;
    series.color = plot::paletteColor(s);
    for (std::size_t l = 0; l < run.levelNames.size() && l < side.accesses.size(); ++l) {
      plot::Point pt;
      pt.x = double(l);
      pt.y = 100 * side.hitRate(l);
      pt.label = series.name + " " + run.levelNames[l] + ": " + std::to_string(side.hits[l]) + " hits of " +
                 std::to_string(side.accesses[l]);
      series.points.push_back(pt);
    }
    p.series.push_back(series);
  }
  return p;
}

// Misses per level and kernel, split into compulsory / capacity / conflict.
plot::Plot missPlot(const CacheRun& run) {
  plot::Plot p;
  p.title = "Misses, split into the three Cs";
  p.subtitle = "compulsory: first touch; capacity: too little room; conflict: too few ways";
  p.y.label = "misses";
  p.y.scale = plot::Scale::Log10;
  const char* names[] = {"compulsory", "capacity", "conflict"};
  for (int c = 0; c < 3; ++c) {
    plot::Series s;
    s.name = names[c];
    s.kind = plot::SeriesKind::Bars;
    s.color = plot::paletteColor(std::size_t(2 + c));
    p.series.push_back(s);
  }
  for (std::size_t l = 0; l < run.levelNames.size(); ++l)
    for (const CacheSide& side : run.sides) {
      if (l >= side.misses.size() || !side.missClasses) continue;
      const double x = double(p.x.categories.size());
      p.x.categories.push_back(shortKernel(side.kernel) + "\n" + run.levelNames[l]);
      const std::uint64_t v[3] = {side.compulsory[l], side.capacity[l], side.conflict[l]};
      for (int c = 0; c < 3; ++c) {
        if (v[c] == 0) continue;  // nothing to draw on a log axis
        plot::Point pt;
        pt.x = x;
        pt.y = double(v[c]);
        pt.label = shortKernel(side.kernel) + " " + run.levelNames[l] + " " + names[c] + ": " + std::to_string(v[c]);
        p.series[std::size_t(c)].points.push_back(pt);
      }
    }
  return p;
}

plot::Plot blockSweepPlot(const CacheRun& run) {
  plot::Plot p;
  p.title = "Blocked matmul: hit rate against block size";
  p.subtitle = "n=" + std::to_string(run.n) + "; dashed: where three b x b float tiles (3 x b^2 x 4 B) fill a cache";
  p.x.label = "block size b";
  p.x.scale = plot::Scale::Log2;
  p.y.label = "hit rate (%)";
  p.y.min = 0;
  p.y.max = 100;
  if (!run.sweepBlocks.empty()) {
    p.x.min = run.sweepBlocks.front();
    p.x.max = run.sweepBlocks.back();
  }
  for (std::size_t l = 0; l < run.levelNames.size(); ++l) {
    plot::Series s;
    s.name = run.levelNames[l];
    s.kind = plot::SeriesKind::Line;
    s.color = plot::paletteColor(l);
    for (const CacheSweepPoint& pt : run.sweep)
      if (l < pt.hitRate.size()) s.points.push_back({double(pt.block), 100 * pt.hitRate[l], 0, 0, ""});
    p.series.push_back(s);
  }
  for (std::size_t l = 0; l < run.levelBytes.size(); ++l) {
    // 3 b^2 4 = capacity  ->  b = sqrt(capacity / 12)
    const double b = std::sqrt(double(run.levelBytes[l]) / 12.0);
    char label[64];
    std::snprintf(label, sizeof label, "%s full at b=%.0f", run.levelNames[l].c_str(), b);
    p.markers.push_back({b, label, plot::paletteColor(l)});
  }
  return p;
}

// [SECTION] table

void drawCacheTable(const CacheRun& run) {
  const int cols = 1 + 2 * int(run.sides.size());
  if (run.sides.empty() || !ImGui::BeginTable("##cachetable", cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  ImGui::TableSetupColumn("level");
  for (const CacheSide& s : run.sides) {
    ImGui::TableSetupColumn((shortKernel(s.kernel) + " hits").c_str());
    ImGui::TableSetupColumn((shortKernel(s.kernel) + " misses").c_str());
  }
  ImGui::TableHeadersRow();
  for (std::size_t l = 0; l < run.levelNames.size(); ++l) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(run.levelNames[l].c_str());
    if (l < run.levelBytes.size()) tooltip(run.levelNames[l] + ": " + formatBytes(run.levelBytes[l]));
    for (const CacheSide& s : run.sides) {
      ImGui::TableNextColumn();
      if (l < s.accesses.size()) ImGui::TextUnformatted(percent(s.hitRate(l)).c_str());
      ImGui::TableNextColumn();
      if (l < s.misses.size()) {
        ImGui::Text("%.3g", double(s.misses[l]));
        if (s.missClasses)
          tooltip("compulsory " + std::to_string(s.compulsory[l]) + "\ncapacity " + std::to_string(s.capacity[l]) +
                  "\nconflict " + std::to_string(s.conflict[l]));
      }
    }
  }
  ImGui::EndTable();
  for (const CacheSide& s : run.sides)
    if (s.sampleFraction < 1)
    {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s: %.0f%% of the rows counted after a warm-up (sampled for speed)",
                    shortKernel(s.kernel).c_str(), 100 * s.sampleFraction);
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("%s", buf);
      ImGui::PopStyleColor();
    }
}

}  // namespace

// [SECTION] view

void drawCacheView(UiState& state, const Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  if (!snap.cache) {
    ImGui::TextWrapped("Simulating naive and blocked matmul on this machine's caches...");
    if (ImGui::Button("Simulate")) state.actions.simulate = true;
    return;
  }
  const CacheRun& run = *snap.cache;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float topH = std::max(fs * 12, avail.y * 0.5f);
  const float btn = ImGui::GetFrameHeightWithSpacing();
  const float halfW = (avail.x - ImGui::GetStyle().ItemSpacing.x) / 2;

  ImGui::BeginGroup();
  plot::Plot hits = hitRatePlot(run);
  drawPlot(hits, "hits", ImVec2(halfW, topH - btn), plotTheme(state));
  drawExportButtons(state, hits, "cache-hit-rates");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  const bool split = std::any_of(run.sides.begin(), run.sides.end(), [](const CacheSide& s) { return s.missClasses; });
  if (split) {
    plot::Plot misses = missPlot(run);
    drawPlot(misses, "misses", ImVec2(halfW, topH - btn), plotTheme(state));
    drawExportButtons(state, misses, "cache-misses-3c");
  } else {
    ImGui::BeginChild("##nosplit", ImVec2(halfW, topH - btn));
    ImGui::TextWrapped(run.sides.empty() ? "simulating..." : "Three-C split not computed for this run.");
    ImGui::EndChild();
  }
  ImGui::EndGroup();

  ImGui::BeginGroup();
  plot::Plot sweep = blockSweepPlot(run);
  if (!run.complete)
    sweep.subtitle = std::string(run.outcome == Outcome::Cancelled ? "stopped after " : "simulating: ") + std::to_string(run.sweep.size()) +
                     " of " + std::to_string(run.sweepBlocks.size()) + " block sizes";
  const float bottomH = ImGui::GetContentRegionAvail().y - btn;
  drawPlot(sweep, "blocksweep", ImVec2(halfW * 1.25f, bottomH), plotTheme(state));
  drawExportButtons(state, sweep, "cache-block-sweep");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("##cacheside", ImVec2(0, 0));
  ImGui::TextUnformatted("Simulated on this machine's caches");
  tooltip("Each access of the loop nest (the same code as the timed kernel, with a tracing access policy) goes "
          "through an LRU model of L1d, L2 and L3 with 64-byte lines, write-back and write-allocate.");
  drawCacheTable(run);
  ImGui::Spacing();
  ImGui::TextWrapped(
      "Naive ijk walks B down a column: each access lands on a new line, and at power-of-two n the column maps "
      "to a few sets (conflict misses). Blocking reuses a b x b tile while it is still cached; the dashed lines "
      "mark where three tiles (3 x b^2 x 4 B) fill each cache, beyond which the reuse comes from the next level.");
  if (ImGui::Button("Simulate again")) state.actions.simulate = true;
  tooltip("Re-run the simulation with the current n and block size (also happens on change with auto-rerun).");
  ImGui::EndChild();
}

}  // namespace cachescope::app
