// The Cache view: every selected kernel that has a traced loop nest, side by
// side on a simulated hierarchy fed the exact access stream of its nest
// (Worker::runCache). The hierarchy is chosen here: a preset (this machine,
// zen4, sapphire-rapids, the teaching caches), any level replaced or
// dropped, the replacement and write policy. Hit rates per level, one
// level's misses split into the three Cs, and the hit rate of a blocked
// kernel against block size with a marker where three tiles (3 x b^2 x 4
// bytes) outgrow each cache.
//
// Layout: plots in one column (two where the view is wide enough), each at
// least the size its layout needs; the view scrolls instead of squeezing.
//
// [SECTION] requests
// [SECTION] plots
// [SECTION] tables
// [SECTION] hierarchy controls
// [SECTION] view
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "app/view_layout.hpp"
#include "kernels/registry.hpp"
#include "plot/bench_plots.hpp"
#include "platform/host.hpp"
#include "report/numbers.hpp"
#include "trace/presets.hpp"

namespace cachescope::app {

namespace {

using views::BoxRecord;

// [SECTION] requests

std::string cacheKey(const UiState& state) {
  const CacheViewState& c = state.cache;
  const Params& p = state.settings.params;
  std::string key = std::to_string(p.n) + "/" + std::to_string(p.block) + "/" + std::to_string(p.bits) + "/" +
                    std::to_string(p.density) + "/" + c.caches + "/" + c.l1 + "/" + c.l2 + "/" + c.l3 + "/" +
                    c.replacement + "/" + c.writePolicy;
  for (const std::string& k : state.settings.kernels) key += "/" + k;
  return key;
}

// [SECTION] plots

// The kernel's short name, unique among the kernels the run shows
// (plot::shortKernelNames: relu.naive and matmul.naive keep their family).
std::string shortKernel(const std::string& id, const CacheRun& run) {
  std::vector<std::string> ids;
  for (const CacheSide& side : run.sides) ids.push_back(side.kernel);
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  const std::vector<std::string> names = plot::shortKernelNames(ids);
  return names[std::size_t(std::find(ids.begin(), ids.end(), id) - ids.begin())];
}

std::string percent(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
  return buf;
}

// "121 M", "5.3 K", "57": a count in three significant digits.
std::string count(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.3g G", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.3g M", v / 1e6);
  else if (v >= 1e4) std::snprintf(buf, sizeof buf, "%.3g K", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// "n=17, block 64 -> b=17": the block actually simulated, and the slider's
// value where it differs.
std::string blockText(const CacheRun& run) {
  std::string s = "n=" + std::to_string(run.n);
  if (run.sweepKernel.empty() && std::none_of(run.kernels.begin(), run.kernels.end(), [](const std::string& k) {
        const Kernel* kernel = findKernel(k);
        return kernel && kernel->trace && kernel->trace->usesBlock;
      }))
    return s;
  if (run.chosenBlock != run.block)
    return s + ", block " + std::to_string(run.chosenBlock) + " -> b=" + std::to_string(run.block) + " (at most n)";
  return s + ", b=" + std::to_string(run.block);
}

std::string policyText(const CacheRun& run) {
  return run.replacement + ", " + run.writePolicy;
}

plot::Plot hitRatePlot(const CacheRun& run) {
  plot::Plot p;
  p.title = "Hit rate per cache level (higher is better)";
  p.subtitle = blockText(run) + "; " + run.cacheName + " caches, " + policyText(run);
  p.y.label = "hit rate (%)";
  p.y.min = 0;
  p.y.max = 100;
  p.x.categories = run.levelNames;
  for (std::size_t s = 0; s < run.sides.size(); ++s) {
    const CacheSide& side = run.sides[s];
    plot::Series series;
    series.name = shortKernel(side.kernel, run);
    series.kind = plot::SeriesKind::Bars;
    series.color = plot::paletteColor(s);
    for (std::size_t l = 0; l < run.levelNames.size() && l < side.accesses.size(); ++l) {
      plot::Point pt;
      pt.x = double(l);
      pt.y = 100 * side.hitRate(l);
      pt.label = series.name + " " + run.levelNames[l] + ": " + groupedText(side.hits[l]) + " hits of " +
                 groupedText(side.accesses[l]);
      series.points.push_back(pt);
    }
    p.series.push_back(series);
  }
  return p;
}

// One level's misses per kernel, split into compulsory / capacity /
// conflict, on a linear axis from 0 (counts scaled to K or M so the value
// labels stay short): 57 and 76 look like 57 and 76.
plot::Plot missPlot(const CacheRun& run, std::size_t level) {
  plot::Plot p;
  const std::string& name = level < run.levelNames.size() ? run.levelNames[level] : std::string("?");
  double most = 0;
  for (const CacheSide& side : run.sides)
    if (level < side.misses.size()) most = std::max(most, double(side.misses[level]));
  const double unit = most >= 1e7 ? 1e6 : most >= 1e4 ? 1e3 : 1;
  const char* unitName = unit == 1e6 ? " (millions)" : unit == 1e3 ? " (thousands)" : "";
  p.title = name + " misses, split into the three Cs";
  p.subtitle = "compulsory: first touch; capacity: too little room; conflict: too few ways";
  p.y.label = std::string("misses") + unitName;
  p.y.min = 0;
  const char* names[] = {"compulsory", "capacity", "conflict"};
  for (int c = 0; c < 3; ++c) {
    plot::Series s;
    s.name = names[c];
    s.kind = plot::SeriesKind::Bars;
    s.color = plot::paletteColor(std::size_t(2 + c));
    p.series.push_back(s);
  }
  for (const CacheSide& side : run.sides) {
    if (level >= side.misses.size() || !side.missClasses) continue;
    const double x = double(p.x.categories.size());
    p.x.categories.push_back(shortKernel(side.kernel, run));
    const std::uint64_t v[3] = {side.compulsory[level], side.capacity[level], side.conflict[level]};
    for (int c = 0; c < 3; ++c) {
      plot::Point pt;
      pt.x = x;
      pt.y = double(v[c]) / unit;
      pt.label = shortKernel(side.kernel, run) + " " + name + " " + names[c] + ": " + groupedText(v[c]);
      p.series[std::size_t(c)].points.push_back(pt);
    }
  }
  return p;
}

plot::Plot blockSweepPlot(const CacheRun& run) {
  plot::Plot p;
  p.title = shortKernel(run.sweepKernel, run) + ": hit rate against block size";
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
    if (!run.sweepBlocks.empty() && (b < run.sweepBlocks.front() || b > run.sweepBlocks.back())) continue;
    char label[64];
    std::snprintf(label, sizeof label, "%s full at b=%.0f", run.levelNames[l].c_str(), b);
    p.markers.push_back({b, label, plot::paletteColor(l)});
  }
  return p;
}

// [SECTION] tables

// Width a table of these cells needs: the widest text of each column plus
// the cell padding.
float tableWidth(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return 0;
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize() * 0.5f;
  float total = 0;
  for (std::size_t c = 0; c < rows.front().size(); ++c) {
    float w = 0;
    for (const auto& r : rows)
      if (c < r.size()) w = std::max(w, ImGui::CalcTextSize(r[c].c_str()).x);
    total += w + pad;
  }
  return total;
}

// A table of text cells (the first row the header) when it fits `width`;
// else the same numbers as one wrapped line per row ("naive: L1d 49.8%,
// ..."), so no cell is ever cut to "...".
void drawFittedTable(const char* id, const std::vector<std::vector<std::string>>& rows, float width,
                     BoxRecord& rec) {
  if (rows.size() < 2) return;
  const float need = tableWidth(rows);
  const int cols = int(rows.front().size());
  if (need <= width && ImGui::BeginTable(id, cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit,
                                         ImVec2(width, 0))) {
    for (const std::string& h : rows.front()) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t r = 1; r < rows.size(); ++r) {
      ImGui::TableNextRow();
      for (const std::string& cell : rows[r]) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(cell.c_str());
      }
    }
    ImGui::EndTable();
    rec.addItem("table", id, need);
    return;
  }
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::string line = rows[r][0] + ":";
    for (std::size_t c = 1; c < rows[r].size(); ++c)
      line += (c > 1 ? ", " : " ") + rows.front()[c] + " " + rows[r][c];
    ImGui::TextWrapped("%s", line.c_str());
  }
}

void drawCacheTables(const CacheRun& run, float width, BoxRecord& rec) {
  if (run.sides.empty()) return;
  std::vector<std::vector<std::string>> hits, misses;
  std::vector<std::string> header{"kernel"};
  for (const std::string& l : run.levelNames) header.push_back(l);
  hits.push_back(header);
  misses.push_back(header);
  for (const CacheSide& s : run.sides) {
    std::vector<std::string> h{shortKernel(s.kernel, run)}, m{shortKernel(s.kernel, run)};
    for (std::size_t l = 0; l < run.levelNames.size(); ++l) {
      h.push_back(l < s.accesses.size() ? percent(s.hitRate(l)) : "-");
      m.push_back(l < s.misses.size() ? count(double(s.misses[l])) : "-");
    }
    hits.push_back(h);
    misses.push_back(m);
  }
  views::heading("Hit rate per level");
  drawFittedTable("##cachehits", hits, width, rec);
  views::heading("Misses per level");
  drawFittedTable("##cachemisses", misses, width, rec);
  for (const CacheSide& s : run.sides) {
    std::string line = shortKernel(s.kernel, run) + ": " + groupedText(s.references) + " references simulated in " +
                       formatSeconds(s.seconds);
    if (s.references > 0) line += " (" + formatSeconds(s.seconds / double(s.references)) + " each)";
    if (s.sampleFraction < 1) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "; %.2g%% of the outer loop counted after a warm-up (sampled for speed)",
                    100 * s.sampleFraction);
      line += buf;
    }
    views::note(line);
  }
}

// [SECTION] hierarchy controls

// The preset's levels (for the line size of an override), read once.
const trace::CachePreset* presetNamed(CacheViewState& v, const std::string& name) {
  if (v.presets.empty()) {
    try {
      v.presets = trace::listPresets();
    } catch (const std::exception&) {
      v.presets = {trace::hostPreset()};
    }
  }
  const std::string want = name.empty() ? "host" : name;
  for (const trace::CachePreset& p : v.presets)
    if (p.name == want) return &p;
  return v.presets.empty() ? nullptr : &v.presets.front();
}

std::string sizeText(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "M";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes);
}

// A level's override: "as preset", sizes from `lo` to `hi` at a few ways
// with the preset's line size, and "none" for L2 / L3.
void levelCombo(const char* id, const char* name, std::string& value, const sim::LevelConfig* preset,
                std::uint64_t lo, std::uint64_t hi, bool droppable) {
  const float fs = ImGui::GetFontSize();
  const std::string shown = std::string(name) + ": " + (value.empty() ? "preset" : value);
  const float width = ImGui::CalcTextSize(shown.c_str()).x + fs * 2.2f;
  views::sameLineIfFits(width);
  ImGui::SetNextItemWidth(width);
  if (ImGui::BeginCombo(id, shown.c_str())) {
    if (ImGui::Selectable(preset ? ("as preset: " + sim::toSpec(*preset)).c_str() : "as preset", value.empty()))
      value.clear();
    if (droppable && ImGui::Selectable("none (drop this level)", value == "none")) value = "none";
    const std::uint32_t line = preset ? preset->lineBytes : 64;
    for (std::uint64_t size = lo; size <= hi; size *= 2)
      for (std::uint32_t ways : {1u, 4u, 8u, 16u}) {
        if (size < std::uint64_t(ways) * line) continue;
        const std::string spec = sizeText(size) + ":" + std::to_string(ways) + ":" + std::to_string(line);
        const std::string text = spec + (ways == 1 ? "  (direct-mapped)" : "");
        if (ImGui::Selectable(text.c_str(), spec == value)) value = spec;
      }
    ImGui::EndCombo();
  }
  tooltip(std::string("Replace ") + name + " of the preset: SIZE:WAYS:LINE as --" + (name[1] == '1' ? "l1" : name[1] == '2' ? "l2" : "l3") +
          " of cachescope simulate" + (droppable ? ", or drop it and the levels below." : "."));
}

void drawHierarchyControls(UiState& state) {
  CacheViewState& v = state.cache;
  const float fs = ImGui::GetFontSize();
  const trace::CachePreset* preset = presetNamed(v, v.caches);
  {
    const std::string shown = "caches: " + (v.caches.empty() ? std::string("host") : v.caches);
    const float width = ImGui::CalcTextSize(shown.c_str()).x + fs * 2.2f;
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##cachepreset", shown.c_str())) {
      for (const trace::CachePreset& p : v.presets) {
        if (ImGui::Selectable(p.name.c_str(), p.name == (v.caches.empty() ? "host" : v.caches))) {
          v.caches = p.name == "host" ? "" : p.name;
          v.l1.clear();
          v.l2.clear();
          v.l3.clear();
        }
        tooltip(p.description.empty() ? p.name : p.description);
      }
      ImGui::EndCombo();
    }
    tooltip("The hierarchy simulated (assets/caches): this machine's caches, a named CPU, or the teaching caches "
            "scaled down so that small n shows what large n does on a real machine.");
  }
  const std::vector<sim::LevelConfig> none;
  const std::vector<sim::LevelConfig>& levels = preset ? preset->levels : none;
  auto level = [&](std::size_t i) { return i < levels.size() ? &levels[i] : nullptr; };
  levelCombo("##l1", "L1", v.l1, level(0), 256, 128 * 1024, false);
  levelCombo("##l2", "L2", v.l2, level(1), 1024, 4u << 20, true);
  levelCombo("##l3", "L3", v.l3, level(2), 4096, 64u << 20, true);
  {
    const char* policies[] = {"lru", "fifo", "plru", "random"};
    const std::string shown = "replacement: " + (v.replacement.empty() ? std::string("LRU") : v.replacement);
    const float width = ImGui::CalcTextSize(shown.c_str()).x + fs * 2.2f;
    views::sameLineIfFits(width);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##replacement", shown.c_str())) {
      for (const char* p : policies)
        if (ImGui::Selectable(p, v.replacement == p || (v.replacement.empty() && std::string(p) == "lru")))
          v.replacement = std::string(p) == "lru" ? "" : p;
      ImGui::EndCombo();
    }
    tooltip("Which line of a full set is evicted: least recently used, first in, tree pseudo-LRU, or random "
            "(seeded: the same every run).");
  }
  {
    const std::string shown = "writes: " + std::string(v.writePolicy == "through" ? "write-through" : "write-back");
    const float width = ImGui::CalcTextSize(shown.c_str()).x + fs * 2.2f;
    views::sameLineIfFits(width);
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo("##writepolicy", shown.c_str())) {
      if (ImGui::Selectable("write-back + write-allocate", v.writePolicy.empty())) v.writePolicy.clear();
      if (ImGui::Selectable("write-through + no-write-allocate", v.writePolicy == "through")) v.writePolicy = "through";
      ImGui::EndCombo();
    }
    tooltip("Write-back keeps a written line dirty until it is evicted; write-through sends every store on to the "
            "next level and allocates nothing on a write miss.");
  }
  const float again = ImGui::CalcTextSize("Simulate again").x + ImGui::GetStyle().FramePadding.x * 2;
  views::sameLineIfFits(again);
  if (ImGui::Button("Simulate again")) state.actions.simulate = true;
  tooltip("Run the simulation again (it also runs when n, block, the kernels or the caches change).");
}

}  // namespace

Request cacheRequest(const UiState& state) {
  Request r;
  r.kind = RequestKind::Cache;
  r.settings = state.settings;
  const CacheViewState& c = state.cache;
  r.caches = c.caches;
  r.l1 = c.l1;
  r.l2 = c.l2;
  r.l3 = c.l3;
  r.replacement = c.replacement;
  r.writePolicy = c.writePolicy;
  return r;
}

// [SECTION] view

void drawCacheView(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const float fs = ImGui::GetFontSize();
  BoxRecord rec(state.access.wantLayout);
  if (!state.debounce.pending()) {
    const std::string key = cacheKey(state);
    if (key != state.cache.postedKey) {
      state.cache.postedKey = key;
      state.actions.simulate = true;
    }
  }
  drawHierarchyControls(state);
  const float width = ImGui::GetContentRegionAvail().x;

  const bool busy = progress.busy && progress.kind == RequestKind::Cache;
  if (busy) {
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "%.0f%%, %s", 100 * progress.fraction, formatSeconds(progress.elapsedS).c_str());
    ImGui::ProgressBar(float(progress.fraction), ImVec2(width, 0), overlay);
    views::note(progress.what);
  }
  if (!snap.cache) {
    ImGui::TextWrapped("Simulating the selected kernels on the chosen caches...");
    if (state.access.wantLayout) state.access.layoutJson = rec.json("cache");
    return;
  }
  const CacheRun& run = *snap.cache;
  {
    std::string line = blockText(run) + "; " + run.cacheName + " caches: ";
    for (std::size_t l = 0; l < run.levelSpecs.size(); ++l)
      line += (l ? ", " : "") + run.levelNames[l] + " " + run.levelSpecs[l];
    line += "; " + policyText(run);
    views::heading(line);
  }
  if (run.fallback)
    views::note("None of the selected kernels has a traced loop nest: showing " + shortKernel(run.kernels.front(), run) +
                " and " + shortKernel(run.kernels.back(), run) + ". Tick a traced kernel (left) to simulate it.");
  if (!run.untraced.empty()) {
    std::string line = "Not simulated (no traced loop nest):";
    for (const UntracedKernel& u : run.untraced) line += " " + u.kernel + (u.why.empty() ? "" : " (" + u.why + ")") + ";";
    line.back() = '.';
    views::note(line);
  }
  if (!run.complete && run.outcome == Outcome::Cancelled)
    views::note("Stopped after " + std::to_string(run.sides.size()) + " of " + std::to_string(run.kernels.size()) +
                " kernels; Simulate again to finish.");

  // Columns: two where both plots get at least their minimum width.
  plot::Plot hits = hitRatePlot(run);
  const float minCol = std::max(views::plotMinWidth(hits), fs * 26);
  const int cols = views::columnsFor(width, minCol, 2);
  const float colW = views::columnWidth(width, cols);
  const float viewH = ImGui::GetContentRegionAvail().y;
  const float btn = ImGui::GetFrameHeightWithSpacing();
  const float plotH = std::max(fs * 14, cols == 2 ? viewH * 0.5f - btn - fs : fs * 16);
  const PlotTheme theme = plotTheme(state);

  auto cell = [&](int index) {
    if (cols == 2 && index % 2 == 1) ImGui::SameLine();
  };
  int index = 0;
  cell(index++);
  ImGui::BeginGroup();
  views::plotBox(hits, "hits", colW, plotH, theme, rec);
  drawExportButtons(state, hits, "cache-hit-rates");
  ImGui::EndGroup();

  const bool split = std::any_of(run.sides.begin(), run.sides.end(), [](const CacheSide& s) { return s.missClasses; });
  cell(index++);
  ImGui::BeginGroup();
  if (split) {
    int& lv = state.cache.missLevel;
    lv = std::clamp(lv, 0, std::max(0, int(run.levelNames.size()) - 1));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("three Cs of");
    for (int l = 0; l < int(run.levelNames.size()); ++l) {
      ImGui::SameLine();
      if (ImGui::RadioButton(run.levelNames[std::size_t(l)].c_str(), lv == l)) lv = l;
    }
    tooltip("The level whose misses are split: compulsory (first touch), capacity (a fully associative cache of the "
            "same size misses too), conflict (the rest: too few ways).");
    plot::Plot misses = missPlot(run, std::size_t(lv));
    views::plotBox(misses, "misses", colW, plotH - btn, theme, rec);
    drawExportButtons(state, misses, "cache-misses-3c");
  } else {
    ImGui::BeginChild("##nosplit", ImVec2(colW, fs * 3));
    ImGui::TextWrapped(run.sides.empty() ? "simulating..." : "Three-C split not computed for this run.");
    ImGui::EndChild();
  }
  ImGui::EndGroup();

  if (!run.sweepKernel.empty()) {
    cell(index++);
    ImGui::BeginGroup();
    plot::Plot sweep = blockSweepPlot(run);
    if (!run.complete)
      sweep.subtitle = std::string(run.outcome == Outcome::Cancelled ? "stopped after " : "simulating: ") +
                       std::to_string(run.sweep.size()) + " of " + std::to_string(run.sweepBlocks.size()) + " block sizes";
    views::plotBox(sweep, "blocksweep", colW, plotH, theme, rec);
    drawExportButtons(state, sweep, "cache-block-sweep");
    ImGui::EndGroup();
  }

  cell(index++);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + colW);
  drawCacheTables(run, colW, rec);
  ImGui::Spacing();
  views::note(
      "Naive ijk walks B down a column: each access lands on a new line, and at power-of-two n the column maps "
      "to a few sets (conflict misses). Blocking reuses a b x b tile while it is still cached; the dashed lines "
      "mark where three tiles (3 x b^2 x 4 B) fill each cache, beyond which the reuse comes from the next level.");
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  if (state.access.wantLayout) state.access.layoutJson = rec.json("cache");
}

}  // namespace cachescope::app
