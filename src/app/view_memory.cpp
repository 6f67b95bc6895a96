// The Memory view (issue 11): the memory hierarchy measured, and beside it
// the same access streams through the cache simulator. Four probes, one tab
// each: the latency ladder (pointer chasing, random and sequential, with the
// detected levels against sysfs), the memory mountain (a 3D surface drawn
// with our own shaders, rotatable, or a heatmap of the same numbers), row
// versus column traversal of a matrix, and read bandwidth per level on
// 1..threads threads. The probes run on the worker (RequestKind::Probe) with
// progress and cancel in the status bar: a tab measures once when first
// shown, the Measure button again; the ladder's default range is quick.
//
// [SECTION] colours and names
// [SECTION] plots
// [SECTION] controls
// [SECTION] latency ladder
// [SECTION] mountain
// [SECTION] traversal and bandwidth
// [SECTION] view
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "app/predict.hpp"
#include "app/theme.hpp"
#include "app/surface_renderer.hpp"
#include "app/view_layout.hpp"
#include "platform/host.hpp"
#include "probe/probe_plots.hpp"

namespace cachescope::app {

namespace {

using views::BoxRecord;

// [SECTION] colours and names

// L1, L2, L3, DRAM: levelColor (theme.hpp), the Access view's level palette.

struct SysLevel {
  std::string name;
  std::uint64_t bytes = 0;
};

// The host's data caches as sysfs reports them ("L1d", "L2", "L3").
std::vector<SysLevel> sysfsLevels() {
  std::vector<SysLevel> out;
  for (const CacheInfo& c : host().caches)
    out.push_back({c.level == 1 ? "L1d" : "L" + std::to_string(c.level), std::uint64_t(c.sizeBytes)});
  return out;
}

// Which level a working set fits in: 0 = L1 ... levels.size() = DRAM.
std::size_t levelOf(std::uint64_t bytes, const std::vector<SysLevel>& levels) {
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (bytes <= levels[i].bytes) return i;
  return levels.size();
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

const char* probeTitle(ProbeKind k) {
  switch (k) {
    case ProbeKind::Latency: return "Ladder";
    case ProbeKind::Mountain: return "Mountain";
    case ProbeKind::Traversal: return "Rows/columns";
    case ProbeKind::Bandwidth: return "Bandwidth";
  }
  return "?";
}

// A short size label: "16K", "2M".
std::string shortBytes(std::uint64_t b) {
  if (b >= (1ull << 30)) return fmt("%gG", double(b) / double(1ull << 30));
  if (b >= (1ull << 20)) return fmt("%gM", double(b) / double(1ull << 20));
  if (b >= 1024) return fmt("%gK", double(b) / 1024.0);
  return std::to_string(b);
}

// [SECTION] plots

// The probe's own plot builders (the same charts as `cachescope probe
// --plot`), with the level markers beyond the measured range dropped: a
// quick ladder keeps its x axis on the data.
plot::Plot withinRange(plot::Plot p) {
  double most = 0;
  for (const plot::Series& s : p.series)
    for (const plot::Point& pt : s.points) most = std::max(most, pt.x);
  std::erase_if(p.markers, [&](const plot::Marker& m) { return m.x > most * 1.001; });
  return p;
}

// [SECTION] controls

const std::uint64_t kMaxChoices[] = {0, 16ull << 20, 64ull << 20, 256ull << 20, 1ull << 30};

std::string maxLabel(std::uint64_t bytes) {
  const CacheInfo* l2 = host().cache(2);
  if (bytes == 0) return "quick, " + formatBytes(quickMaxBytes(l2 ? l2->sizeBytes : 0));
  return formatBytes(bytes);
}

int threadsOf(const MemoryViewState& m) { return m.threads > 0 ? m.threads : host().logicalCores; }

// The toolbar above each probe: its range and the simulation, and Measure.
void drawToolbar(UiState& state, ProbeKind kind, bool busy) {
  MemoryViewState& m = state.memory;
  const float fs = ImGui::GetFontSize();
  if (kind == ProbeKind::Latency || kind == ProbeKind::Mountain) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("max size");
    ImGui::SameLine();
    const std::string current = maxLabel(m.maxBytes);
    ImGui::SetNextItemWidth(ImGui::CalcTextSize(maxLabel(0).c_str()).x + fs * 2.5f);
    if (ImGui::BeginCombo("##maxsize", current.c_str())) {
      for (std::uint64_t b : kMaxChoices)
        if (ImGui::Selectable(maxLabel(b).c_str(), b == m.maxBytes)) m.maxBytes = b;
      ImGui::EndCombo();
    }
    tooltip("The largest working set measured. Quick: twice the L2, so the L1 and L2 steps appear within seconds; "
            "beyond the L3 (4x its size) shows DRAM and takes longer.");
  }
  bool first = kind == ProbeKind::Traversal || kind == ProbeKind::Bandwidth;  // nothing before on the row
  // The next control on this row when it fits (never on the tab bar's).
  auto next = [&](float w) {
    if (!first) views::sameLineIfFits(w);
    first = false;
  };
  if (kind == ProbeKind::Bandwidth) {
    const int cores = host().logicalCores;
    int t = threadsOf(m);
    const char* tip = "Bandwidth is measured on 1, 2, ... up to this many threads reading together.";
    next(ImGui::CalcTextSize("up to threads").x + fs);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("up to");
    if (cores <= 8) {
      // Few cores: one radio button each (a slider over 1..2 is all grab).
      for (int c = 1; c <= cores; ++c) {
        ImGui::SameLine();
        if (ImGui::RadioButton((std::to_string(c) + "##probethreads").c_str(), t == c)) m.threads = c;
        tooltip(tip);
      }
      ImGui::SameLine();
      ImGui::TextUnformatted("threads");
    } else {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(fs * 7);
      if (ImGui::SliderInt("threads##probe", &t, 1, cores)) m.threads = t;
      tooltip(tip);
    }
  }
  if (kind != ProbeKind::Bandwidth) {
    next(ImGui::CalcTextSize("simulate").x + ImGui::GetFrameHeight() + fs);
    ImGui::Checkbox("simulate", &m.simulate);
    tooltip("Also run the probe's exact access stream through the cache simulator (the host's levels): the "
            "predicted curve is drawn dashed over the measured one.");
    ImGui::BeginDisabled(!m.simulate);
    const char* prefetches[] = {"none", "next-line", "stride"};
    next(ImGui::CalcTextSize("prefetch next-line").x + fs * 3);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("prefetch");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("next-line").x + fs * 2.5f);
    if (ImGui::BeginCombo("##prefetch", m.prefetch.c_str())) {
      for (const char* p : prefetches)
        if (ImGui::Selectable(p, m.prefetch == p)) m.prefetch = p;
      ImGui::EndCombo();
    }
    tooltip("The simulator's hardware-prefetch model: none (demand fetches only), next-line, or a stride "
            "prefetcher per level. With the stride model the predicted sequential curves move toward the measured.");
    ImGui::EndDisabled();
  }
  if (kind == ProbeKind::Latency && !state.lectureActive) {
    next(ImGui::CalcTextSize("Predict first").x + ImGui::GetFrameHeight() + fs);
    ImGui::Checkbox("Predict first", &state.predict.on);
    tooltip("Guess before you look: the ladder stays hidden until you click where the latency steps up and "
            "commit, then the measured knees appear beside your guess. (The Timings view asks which kernel is "
            "fastest.)");
  }
  const char* label = busy ? "Measuring..." : "Measure";
  next(ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2);
  ImGui::BeginDisabled(busy);
  if (ImGui::Button(label)) {
    state.actions.probe = true;
    state.actions.probeKind = kind;
  }
  ImGui::EndDisabled();
  tooltip("Runs this probe on the worker thread (progress and Cancel in the status bar; Esc stops it).");
}

void drawRunInfo(const ProbeRunInfo& info, Outcome outcome) {
  std::string t = "measured up to " + formatBytes(info.maxBytes) + " in " + formatSeconds(info.seconds);
  if (!info.caches.empty()) t += "; simulated on " + info.caches + " caches, prefetch " + info.prefetch;
  if (outcome == Outcome::Cancelled) t = "stopped before the end: the numbers cover what ran (" + t + ")";
  views::note(t);
}

// The probe's sentences on where measurement and model differ: the first
// few, the rest folded under "N more".
void drawExplanations(const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  views::heading("Measured against the model");
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < lines.size() && i < kShown; ++i) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s", lines[i].c_str());
  }
  if (lines.size() > kShown && ImGui::TreeNode("##moreexpl", "%zu more", lines.size() - kShown)) {
    for (std::size_t i = kShown; i < lines.size(); ++i) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", lines[i].c_str());
    }
    ImGui::TreePop();
  }
}

// [SECTION] latency ladder

// Detected levels against sysfs: level, detected, sysfs, ns, cycles.
std::vector<std::vector<std::string>> levelRows(const probe::LatencyResult& r) {
  std::vector<std::vector<std::string>> rows{{"level", "detected", "sysfs", "latency", "cycles"}};
  for (const probe::DetectedLevel& l : r.levels)
    rows.push_back({l.name, l.detectedBytes ? formatBytes(l.detectedBytes) : "not found",
                    l.sysfsBytes ? formatBytes(l.sysfsBytes) : "-", fmt("%.2f ns", l.latencyNs),
                    fmt("%.1f cycles", l.latencyCycles)});
  if (r.memoryReached)
    rows.push_back({"memory", "-", "-", fmt("%.1f ns", r.memoryLatencyNs),
                    fmt("%.0f cycles", r.memoryLatencyNs * r.clock.ghz)});
  else if (!r.series.empty())
    rows.push_back({"memory", "not reached", "-", "-", "-"});
  return rows;
}

float tableWidth(const std::vector<std::vector<std::string>>& rows) {
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize() * 0.5f;
  float need = 0;
  for (std::size_t c = 0; c < rows.front().size(); ++c) {
    float w = 0;
    for (const auto& row : rows) w = std::max(w, ImGui::CalcTextSize(row[c].c_str()).x);
    need += w + pad;
  }
  return need;
}

void drawLevelsTable(const probe::LatencyResult& r, float width, BoxRecord& rec) {
  const std::vector<std::vector<std::string>> rows = levelRows(r);
  const std::size_t cols = rows.front().size();
  const float need = tableWidth(rows);
  views::heading("Levels read off the random chase");
  if (need <= width &&
      ImGui::BeginTable("##levels", int(cols), ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit, ImVec2(need, 0))) {
    for (const std::string& h : rows.front()) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t i = 1; i < rows.size(); ++i) {
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < cols; ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(rows[i][c].c_str());
      }
    }
    ImGui::EndTable();
    rec.addItem("table", "detected levels", need);
  } else {
    for (std::size_t i = 1; i < rows.size(); ++i)
      ImGui::TextWrapped("%s: detected %s, sysfs %s, %s = %s", rows[i][0].c_str(), rows[i][1].c_str(), rows[i][2].c_str(),
                         rows[i][3].c_str(), rows[i][4].c_str());
  }
  views::note("Cycles: ns x " + fmt("%.2f GHz", r.clock.ghz) + " (" + r.clock.method + ").");
}

// Plot and its side column (table, explanations): beside each other where
// the view is wide enough, stacked where not (the view scrolls).
template <class Side>
void plotWithSide(UiState& state, const plot::Plot& chart, const char* stem, BoxRecord& rec, Side side,
                  float sideNeed = 0) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float sideW = std::max(fs * 24.0f, sideNeed);
  const float minPlotW = std::max(views::plotMinWidth(chart), fs * 24);
  const bool beside = avail.x >= minPlotW + sideW + ImGui::GetStyle().ItemSpacing.x;
  const float btn = ImGui::GetFrameHeightWithSpacing();
  const float plotW = beside ? avail.x - sideW - ImGui::GetStyle().ItemSpacing.x : avail.x;
  const float plotH = beside ? std::max(fs * 14, avail.y - btn) : std::max(fs * 16, avail.y * 0.75f - btn);
  ImGui::BeginGroup();
  views::plotBox(chart, stem, plotW, plotH, plotTheme(state), rec);
  drawExportButtons(state, chart, stem);
  ImGui::EndGroup();
  if (beside) ImGui::SameLine();
  const float panelW = beside ? sideW : avail.x;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + panelW);
  side(panelW);
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// The working sets a knee guess is placed among: the measured ladder's
// range, else the range the next measurement covers.
void ladderRange(const MemoryViewState& m, const probe::LatencyResult* r, double& lo, double& hi) {
  lo = 1024;
  const CacheInfo* l2 = host().cache(2);
  hi = double(m.maxBytes ? m.maxBytes : quickMaxBytes(l2 ? l2->sizeBytes : 0));
  if (!r) return;
  double a = 0, b = 0;
  for (const probe::LatencySeries& s : r->series)
    for (const probe::LatencyPoint& pt : s.points) {
      a = a > 0 ? std::min(a, double(pt.bytes)) : double(pt.bytes);
      b = std::max(b, double(pt.bytes));
    }
  if (a > 0 && b > a) lo = a, hi = b;
}

// "Predict first" on the ladder: until a guess is committed, an empty ladder
// to click on and the question beside it (true: the ladder was hidden).
bool drawLatencyPredict(UiState& state, const ProbeRuns* runs, BoxRecord& rec) {
  PredictState& p = state.predict;
  MemoryViewState& m = state.memory;
  const std::string key = std::to_string(m.maxBytes) + " L" + std::to_string(p.kneeLevel);
  const LectureQuestion q = kneeQuestion(p.kneeLevel);
  if (p.memoryKey != key) {
    p.memoryKey = key;
    p.memory = freshPredictGuess(p, q, View::Memory);
  }
  if (p.memory.committed) return false;
  const probe::LatencyResult* r = runs && runs->latency ? &*runs->latency : nullptr;
  double lo = 0, hi = 0;
  ladderRange(m, r, lo, hi);
  const float fs = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float sideW = fs * 16;
  const bool beside = avail.x >= fs * 24 + sideW + fs;
  // The question beside the empty ladder, or above it where the view is
  // narrow (read first, and the Commit button stays on screen).
  auto question = [&](float w) {
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + w);
    if (beside) views::heading("Predict first");
    // Narrow (a hall's 28 px): one short line, so the canvas keeps its room.
    const std::string level = p.kneeLevel == 1 ? "L1d" : "L" + std::to_string(p.kneeLevel);
    ImGui::TextUnformatted(beside ? q.text.c_str() : ("Where does the " + level + " end? Click the plot.").c_str());
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("level");
    for (int l = 1; l <= 3; ++l) {
      ImGui::SameLine();
      if (ImGui::RadioButton((l == 1 ? std::string("L1d") : "L" + std::to_string(l)).c_str(), p.kneeLevel == l))
        p.kneeLevel = l;
      tooltip("The cache level whose end you guess. The quick range shows the L1 and L2 steps; the L3's needs "
              "the max size beyond the L3.");
    }
    if (p.memory.bytes > 0 || beside) drawGuessEntry(q, p.memory, false, w);
    if (!beside && p.memory.bytes <= 0) views::sameLineIfFits(ImGui::CalcTextSize("Commit guess").x + fs);
    drawCommitButton(q, p.memory);
    const char* status = r ? "Measured: hidden until you commit." : "Measuring...";
    const float statusW = ImGui::CalcTextSize(status).x + ImGui::GetStyle().ItemSpacing.x;
    if (beside || ImGui::GetItemRectMax().x + statusW <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) {
      views::sameLineIfFits(statusW);
      ImGui::TextDisabled("%s", status);
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    rec.addItem("text", "predict question");
  };
  if (!beside) question(avail.x);
  const ImVec2 left = ImGui::GetContentRegionAvail();
  const float plotW = beside ? avail.x - sideW - fs : left.x;
  const float plotH = std::max(fs * 12, left.y - ImGui::GetStyle().ItemSpacing.y);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  drawKneePicker("##kneepick", p.memory, lo, hi, ImVec2(plotW, plotH), plotTheme(state));
  rec.add("plot", "knee picker", p0, ImGui::GetItemRectMax());
  if (beside) {
    ImGui::SameLine(0, fs);
    question(sideW);
  }
  return true;
}

void drawLatency(UiState& state, const Snapshot& snap, BoxRecord& rec) {
  const ProbeRuns* runs = snap.probes.get();
  const bool predict = state.predict.on && !state.lectureActive;
  if (predict && drawLatencyPredict(state, runs, rec)) return;
  if (!runs || !runs->latency) {
    ImGui::TextWrapped("Chasing pointers through a random cycle of cache lines in working sets from 1 KiB up: each "
                       "load waits for the one before, so the time per load is the latency of the level that holds "
                       "the working set...");
    return;
  }
  const probe::LatencyResult& r = *runs->latency;
  plot::Plot chart = withinRange(probe::latencyPlot(r));
  // Revealed: the measured knees (and the guess) instead of the sysfs sizes,
  // which the table beside still lists.
  const Guess* guess = predict ? &state.predict.memory : state.memory.lectureKneeGuess;
  if (guess) {
    const LectureQuestion q = kneeQuestion(predict ? state.predict.kneeLevel : 1);
    StepResults results;
    results.latency = r;
    const Answer a = computeAnswer(q, results);
    markKnees(chart, a, guess);
    if (predict && drawVerdict(q, *guess, a, true)) state.predict.memory = initialGuess(q);
  }
  plotWithSide(state, chart, "memory-latency", rec, [&](float w) {
    drawLevelsTable(r, w, rec);
    drawRunInfo(runs->latencyInfo, r.outcome);
    ImGui::Spacing();
    drawExplanations(r.explanations);
    views::note("The random order defeats the prefetcher: every step is a real miss. The sequential chase is the same "
                "loop in address order, and the prefetcher hides most of each level's latency.");
  }, tableWidth(levelRows(r)));
}

// [SECTION] mountain

// Heat colour of t in [0, 1] (dark blue -> teal -> yellow), readable on both themes.
ImVec4 heat(float t) {
  t = std::clamp(t, 0.f, 1.f);
  const ImVec4 a(0.18f, 0.10f, 0.45f, 1), b(0.10f, 0.58f, 0.55f, 1), c(0.98f, 0.88f, 0.20f, 1);
  auto mix = [](const ImVec4& p, const ImVec4& q, float u) {
    return ImVec4(p.x + (q.x - p.x) * u, p.y + (q.y - p.y) * u, p.z + (q.z - p.z) * u, 1);
  };
  return t < 0.5f ? mix(a, b, t * 2) : mix(b, c, t * 2 - 1);
}

// Labels placed on a canvas without covering each other or leaving it.
class LabelPlacer {
 public:
  LabelPlacer(ImDrawList* dl, ImVec2 lo, ImVec2 hi, ImU32 color, BoxRecord& rec) : dl_(dl), lo_(lo), hi_(hi), color_(color), rec_(rec) {}
  // Text centred at `at` (anchor 0.5) or right-aligned (anchor 1); false when it does not fit.
  bool add(const std::string& text, ImVec2 at, float anchorX = 0.5f, float anchorY = 0.5f, ImU32 color = 0) {
    const ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    ImVec2 p(std::floor(at.x - sz.x * anchorX), std::floor(at.y - sz.y * anchorY));
    if (p.x < lo_.x || p.y < lo_.y || p.x + sz.x > hi_.x || p.y + sz.y > hi_.y) return false;
    const float gap = ImGui::GetFontSize() * 0.25f;
    for (const ImVec4& b : taken_)
      if (p.x - gap < b.z && p.x + sz.x + gap > b.x && p.y < b.w && p.y + sz.y > b.y) return false;
    taken_.push_back(ImVec4(p.x, p.y, p.x + sz.x, p.y + sz.y));
    views::drawListText(dl_, p, color ? color : color_, text, &rec_);
    return true;
  }

 private:
  ImDrawList* dl_;
  ImVec2 lo_, hi_;
  ImU32 color_;
  BoxRecord& rec_;
  std::vector<ImVec4> taken_;
};

double niceMax(double v) {
  if (v <= 0) return 1;
  const double mag = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (v <= m * mag) return m * mag;
  return 10 * mag;
}

std::string levelLegendText(const std::vector<SysLevel>& levels, std::size_t i) {
  return i < levels.size() ? levels[i].name + " <= " + shortBytes(levels[i].bytes) : "DRAM";
}

// Divisions of [0, top] (top from niceMax) at round steps: 2 -> 0.5 steps,
// 1, 2.5, 5 and 10 -> fifths.
int heightSteps(double top) {
  const double mantissa = top / std::pow(10.0, std::floor(std::log10(top)));
  return std::fabs(mantissa - 2) < 1e-9 ? 4 : 5;
}

// The legend of the level colours: "L1d up to 48 KiB" ... "DRAM beyond".
// `column` > 0: one entry a line (beside the canvas); 0: entries flow.
void drawLevelLegend(const std::vector<SysLevel>& levels, float column) {
  const float fs = ImGui::GetFontSize();
  for (std::size_t i = 0; i <= levels.size(); ++i) {
    const std::string t = levelLegendText(levels, i);
    const float w = fs * 1.2f + ImGui::CalcTextSize(t.c_str()).x;
    if (i > 0 && column <= 0) views::sameLineIfFits(w, fs);
    ImGui::ColorButton(("##lvl" + std::to_string(i)).c_str(), levelColor(i),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop, ImVec2(fs * 0.9f, fs * 0.9f));
    ImGui::SameLine(0, fs * 0.3f);
    ImGui::TextUnformatted(t.c_str());
  }
}

void drawSurface(UiState& state, const probe::MountainResult& r, ImVec2 size, BoxRecord& rec) {
  MemoryViewState& m = state.memory;
  const std::vector<SysLevel> levels = sysfsLevels();
  const std::size_t nz = r.strides.size(), nx = r.sizes.size();
  double top = 0;
  for (const auto& row : r.gbPerSecond)
    for (double v : row) top = std::max(top, v);
  top = niceMax(top);
  SurfaceMesh mesh;
  mesh.nx = int(nx);
  mesh.nz = int(nz);
  const bool light = state.theme == Theme::Light;
  mesh.lineColor = light ? ImVec4(0, 0, 0, 0.45f) : ImVec4(0, 0, 0, 0.6f);
  mesh.boxColor = light ? ImVec4(0.35f, 0.35f, 0.4f, 1) : ImVec4(0.7f, 0.7f, 0.75f, 1);
  // Rows of the mesh: stride 1 at the front (z = +1).
  for (std::size_t iz = 0; iz < nz; ++iz) {
    const std::size_t s = nz - 1 - iz;
    for (std::size_t ix = 0; ix < nx; ++ix) {
      const double v = ix < r.gbPerSecond[s].size() ? r.gbPerSecond[s][ix] : 0;
      const float h = float(std::clamp(v / top, 0.0, 1.0));
      mesh.heights.push_back(h);
      ImVec4 c = levelColor(levelOf(r.sizes[ix], levels));
      const float k = 0.55f + 0.45f * h;
      mesh.colors.push_back(ImVec4(c.x * k, c.y * k, c.z * k, 1));
    }
  }
  const float fs = ImGui::GetFontSize();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##mountain3d", size);
  rec.addItem("surface", "memory mountain 3D");
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0)) {
    SurfaceCamera cam{m.yaw, m.pitch};
    cam.drag(ImGui::GetIO().MouseDelta.x, ImGui::GetIO().MouseDelta.y);
    m.yaw = cam.yaw;
    m.pitch = cam.pitch;
  }
  tooltip("Drag to rotate. Height: read throughput; left to right: working set; front to back: stride.");
  const SurfaceCamera cam{m.yaw, m.pitch};
  const ImVec2 margin(fs * 3.5f, fs * 1.7f);
  const Mat4 mvp = surfaceMatrix(cam, size, margin);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (!state.surfaces || !state.surfaces->draw(dl, p0, size, mesh, mvp, cam)) {
    views::note(state.surfaces ? "The 3D surface cannot be drawn (" + state.surfaces->error() + "): use the heatmap."
                               : "The 3D surface needs the OpenGL renderer: use the heatmap.");
    return;
  }
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  LabelPlacer labels(dl, p0, ImVec2(p0.x + size.x, p0.y + size.y), text, rec);
  auto proj = [&](float x, float y, float z) { return projectPoint(mvp, p0, size, x, y, z); };
  const ImVec2 centre = proj(0, 0, 0);
  // Axis edges on the floor: the x axis along the z edge nearer the viewer
  // (lower on screen), the z axis along the x edge further right.
  const float zEdge = proj(0, 0, 1).y > proj(0, 0, -1).y ? 1.f : -1.f;
  const float xEdge = proj(1, 0, 0).x > proj(-1, 0, 0).x ? 1.f : -1.f;
  auto outward = [&](ImVec2 p, float d) {
    ImVec2 v(p.x - centre.x, p.y - centre.y);
    const float len = std::max(1.f, std::sqrt(v.x * v.x + v.y * v.y));
    return ImVec2(p.x + v.x / len * d, p.y + v.y / len * d);
  };
  // Working-set ticks: every octave that fits, level sizes first.
  auto xOf = [&](double bytes) {
    const double a = std::log2(double(r.sizes.front())), b = std::log2(double(r.sizes.back()));
    return float(-1 + 2 * (std::log2(bytes) - a) / std::max(1e-9, b - a));
  };
  for (std::size_t i = 0; i < nx; ++i) {
    const double lb = std::log2(double(r.sizes[i]));
    if (std::fabs(lb - std::round(lb)) > 1e-6) continue;
    const float x = xOf(double(r.sizes[i]));
    const ImVec2 a = proj(x, 0, zEdge);
    dl->AddLine(a, outward(a, fs * 0.3f), dim);
    labels.add(shortBytes(r.sizes[i]), outward(a, fs * 1.0f));
  }
  for (std::size_t s = 0; s < nz; ++s) {
    const float z = -1 + 2 * float(nz - 1 - s) / float(std::max<std::size_t>(1, nz - 1));
    const ImVec2 a = proj(xEdge, 0, z);
    labels.add(std::to_string(r.strides[s]), outward(a, fs * 0.9f));
  }
  // Height ticks on the vertical edge furthest left on screen.
  float bestX = 1e9f, cornerX = -1, cornerZ = -1;
  for (float cx : {-1.f, 1.f})
    for (float cz : {-1.f, 1.f})
      if (proj(cx, 0, cz).x < bestX) {
        bestX = proj(cx, 0, cz).x;
        cornerX = cx;
        cornerZ = cz;
      }
  const int steps = heightSteps(top);
  for (int k = 0; k <= steps; ++k) {
    const float h = float(k) / float(steps);
    const ImVec2 a = proj(cornerX, h, cornerZ);
    dl->AddLine(a, ImVec2(a.x - fs * 0.3f, a.y), dim);
    labels.add(fmt("%g", top * h), ImVec2(a.x - fs * 0.5f, a.y), 1.0f, 0.5f);
  }
  labels.add("GB/s", ImVec2(proj(cornerX, 1, cornerZ).x - fs * 0.5f, proj(cornerX, 1, cornerZ).y - fs * 1.3f), 1.0f, 0.5f);
}

void drawHeatmap(UiState& state, const probe::MountainResult& r, ImVec2 size, BoxRecord& rec) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##mountainheat", size);
  rec.addItem("surface", "memory mountain heatmap");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  double top = 0;
  for (const auto& row : r.gbPerSecond)
    for (double v : row) top = std::max(top, v);
  top = niceMax(top);
  const std::size_t nz = r.strides.size(), nx = r.sizes.size();
  // Cells: x = working set, y = stride (1 at the bottom); colour bar right.
  const float left = p0.x + ImGui::CalcTextSize("32").x + fs * 2.2f;
  const float barW = fs * 1.0f, barLabel = ImGui::CalcTextSize("100 GB/s").x;
  const float right = p0.x + size.x - barW - barLabel - fs * 1.5f;
  const float topY = p0.y + fs * 0.6f, bottom = p0.y + size.y - fs * 3.0f;
  const float cw = (right - left) / float(std::max<std::size_t>(1, nx)), ch = (bottom - topY) / float(std::max<std::size_t>(1, nz));
  std::string hover;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t s = 0; s < nz; ++s)
    for (std::size_t z = 0; z < nx; ++z) {
      const double v = z < r.gbPerSecond[s].size() ? r.gbPerSecond[s][z] : 0;
      const ImVec2 a(left + cw * float(z), bottom - ch * float(s + 1)), b(a.x + cw, a.y + ch);
      dl->AddRectFilled(a, b, ImGui::ColorConvertFloat4ToU32(heat(float(v / top))));
      if (ImGui::IsItemHovered() && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y)
        hover = formatBytes(r.sizes[z]) + ", stride " + std::to_string(r.strides[s]) + ": " + fmt("%.1f GB/s", v);
    }
  if (!hover.empty()) tooltip(hover);
  LabelPlacer labels(dl, p0, ImVec2(p0.x + size.x, p0.y + size.y), text, rec);
  for (std::size_t s = 0; s < nz; ++s)
    labels.add(std::to_string(r.strides[s]), ImVec2(left - fs * 0.4f, bottom - ch * (float(s) + 0.5f)), 1.0f, 0.5f);
  for (std::size_t z = 0; z < nx; ++z) {
    const double lb = std::log2(double(r.sizes[z]));
    if (std::fabs(lb - std::round(lb)) > 1e-6) continue;
    const float x = left + cw * (float(z) + 0.5f);
    dl->AddLine(ImVec2(x, bottom), ImVec2(x, bottom + fs * 0.3f), dim);
    labels.add(shortBytes(r.sizes[z]), ImVec2(x, bottom + fs * 0.35f), 0.5f, 0.0f);
  }
  labels.add("working set (bytes)", ImVec2(0.5f * (left + right), bottom + fs * 1.5f), 0.5f, 0.0f);
  labels.add("stride", ImVec2(p0.x, topY - fs * 0.6f), 0.0f, 0.0f);
  // Level boundaries (sysfs) as vertical lines.
  const std::vector<SysLevel> levels = sysfsLevels();
  for (const SysLevel& l : levels) {
    const double a = std::log2(double(r.sizes.front())), b = std::log2(double(r.sizes.back()));
    if (nx < 2 || double(l.bytes) < double(r.sizes.front()) || double(l.bytes) > double(r.sizes.back())) continue;
    const float x = left + cw * 0.5f + (right - left - cw) * float((std::log2(double(l.bytes)) - a) / (b - a));
    dl->AddLine(ImVec2(x, topY), ImVec2(x, bottom), text, 2.0f);
  }
  // Colour bar.
  const float bx = right + fs * 0.8f;
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    const float y0 = bottom - (bottom - topY) * float(i + 1) / steps, y1 = bottom - (bottom - topY) * float(i) / steps;
    dl->AddRectFilled(ImVec2(bx, y0), ImVec2(bx + barW, y1 + 1), ImGui::ColorConvertFloat4ToU32(heat((i + 0.5f) / steps)));
  }
  const int ticks = heightSteps(top);
  for (int k = 0; k <= ticks; ++k)
    labels.add(fmt("%g GB/s", top * k / ticks), ImVec2(bx + barW + fs * 0.3f, bottom - (bottom - topY) * float(k) / float(ticks)),
               0.0f, 0.5f);
}

void drawMountain(UiState& state, const Snapshot& snap, BoxRecord& rec) {
  const ProbeRuns* runs = snap.probes.get();
  if (!runs || !runs->mountain) {
    ImGui::TextWrapped("Reading every s-th 8-byte element of working sets from 16 KiB up, for strides 1 to 32: the "
                       "ridges are the cache levels, the slope along the stride is lost spatial locality...");
    return;
  }
  const probe::MountainResult& r = *runs->mountain;
  MemoryViewState& m = state.memory;
  const float fs = ImGui::GetFontSize();
  if (r.sizes.size() < 2 || r.strides.size() < 2 || r.gbPerSecond.size() != r.strides.size()) {
    ImGui::TextWrapped("The mountain was stopped before two sizes and two strides were measured.");
    return;
  }
  views::sameLineIfFits(ImGui::CalcTextSize("heatmap").x + ImGui::GetFrameHeight() + fs);  // on the toolbar's row
  ImGui::Checkbox("heatmap", &m.heatmap);
  tooltip("The same numbers as a flat map: colour = GB/s. Readable at any size, and it needs no 3D renderer.");
  if (!m.heatmap) {
    views::sameLineIfFits(ImGui::CalcTextSize("Reset view").x + fs);
    if (ImGui::Button("Reset view")) {
      m.yaw = MemoryViewState{}.yaw;
      m.pitch = MemoryViewState{}.pitch;
    }
    tooltip("Back to the starting angle.");
  }
  const plot::Plot lines = withinRange(probe::mountainPlot(r));
  float exportW = 0;
  for (const char* f : {"PNG", "SVG", "PDF", "CSV"})
    exportW += ImGui::CalcTextSize(f).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
  views::sameLineIfFits(exportW);
  drawExportButtons(state, lines, "memory-mountain");
  ImGui::Dummy(ImVec2(0, 0));  // ends the row of buttons
  tooltip("The files hold the mountain as lines, GB/s against working set, one line per stride.");
  // The canvas fills what is left of the view; the level legend beside it
  // where there is room, else above it.
  const std::vector<SysLevel> levels = sysfsLevels();
  float legendW = 0;
  for (std::size_t i = 0; i <= levels.size(); ++i)
    legendW = std::max(legendW, ImGui::CalcTextSize(levelLegendText(levels, i).c_str()).x + fs * 1.5f);
  const char* axes[] = {"x: working set", "depth: stride (x 8 B)", "height: GB/s", "drag to rotate"};
  for (const char* a : axes) legendW = std::max(legendW, ImGui::CalcTextSize(a).x);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool beside = !m.heatmap && avail.x >= fs * 18 + legendW + fs;
  if (!m.heatmap && !beside) drawLevelLegend(levels, 0);
  const ImVec2 left = ImGui::GetContentRegionAvail();
  const float noteH = beside ? 0.f : ImGui::GetTextLineHeightWithSpacing() * 2.2f;  // the axes note below
  const ImVec2 size(std::max(fs * 18, left.x - (beside ? legendW + fs : 0)), std::max(fs * 10, left.y - noteH));
  if (m.heatmap) drawHeatmap(state, r, size, rec);
  else drawSurface(state, r, size, rec);
  const ImVec2 canvasEnd = ImGui::GetItemRectMax();
  if (beside) {
    ImGui::SameLine(0, fs);
    ImGui::BeginGroup();
    drawLevelLegend(levels, legendW);
    ImGui::Spacing();
    for (const char* a : axes) ImGui::TextDisabled("%s", a);
    ImGui::EndGroup();
    rec.addItem("legend", "mountain levels");
  }
  if (!m.heatmap && !beside) {
    ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, std::max(ImGui::GetCursorScreenPos().y, canvasEnd.y)));
    views::note("left to right: working set (bytes); front to back: stride (8-byte elements); height: read "
                "throughput (GB/s). Drag to rotate.");
  }
  drawRunInfo(runs->mountainInfo, r.outcome);
  drawExplanations(r.explanations);
}

// [SECTION] traversal and bandwidth

void drawTraversal(UiState& state, const Snapshot& snap, BoxRecord& rec) {
  const ProbeRuns* runs = snap.probes.get();
  if (!runs || !runs->traversal) {
    ImGui::TextWrapped("Summing a matrix larger than the L2 row by row (consecutive addresses) and column by column "
                       "(a stride of one row)...");
    return;
  }
  const probe::TraversalResult& r = *runs->traversal;
  const plot::Plot chart = probe::traversalPlot(r);
  plotWithSide(state, chart, "memory-traversal", rec, [&](float w) {
    views::heading("Same sum, two orders");
    ImGui::Text("row order     %s", formatSeconds(r.rowSeconds).c_str());
    ImGui::Text("column order  %s", formatSeconds(r.colSeconds).c_str());
    if (r.rowSeconds > 0) ImGui::Text("column / row  %.1fx slower", r.colSeconds / r.rowSeconds);
    if (!r.levelNames.empty() && r.rowHitRate.size() == r.levelNames.size() && r.colHitRate.size() == r.levelNames.size()) {
      views::heading("Simulated hit rate");
      if (ImGui::BeginTable("##travhits", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("level");
        ImGui::TableSetupColumn("row order");
        ImGui::TableSetupColumn("column order");
        ImGui::TableHeadersRow();
        for (std::size_t i = 0; i < r.levelNames.size(); ++i) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(r.levelNames[i].c_str());
          ImGui::TableNextColumn();
          ImGui::Text("%.1f %%", 100 * r.rowHitRate[i]);
          ImGui::TableNextColumn();
          ImGui::Text("%.1f %%", 100 * r.colHitRate[i]);
        }
        ImGui::EndTable();
        rec.addItem("table", "traversal hit rates");
      }
    }
    drawRunInfo(runs->traversalInfo, r.outcome);
    views::note("Row order uses all 8 doubles of every 64-byte line it fetches; column order uses one and moves on "
                "a whole row: once the columns' lines no longer fit in the cache, each load is a miss.");
    (void)w;
  });
}

void drawBandwidth(UiState& state, const Snapshot& snap, BoxRecord& rec) {
  const ProbeRuns* runs = snap.probes.get();
  if (!runs || !runs->bandwidth) {
    ImGui::TextWrapped("Reading a working set that fits each level (L1, L2, L3) and one far beyond the last (DRAM), "
                       "on 1, 2, ... threads at once...");
    return;
  }
  const probe::BandwidthResult& r = *runs->bandwidth;
  const plot::Plot chart = probe::bandwidthPlot(r);
  plotWithSide(state, chart, "memory-bandwidth", rec, [&](float) {
    views::heading("Read bandwidth");
    for (const probe::LevelBandwidth& l : r.levels)
      if (!l.gbPerSecond.empty())
        ImGui::TextWrapped("%s (%s per thread): %.1f GB/s on 1 thread, %.1f GB/s on %d", l.level.c_str(),
                           formatBytes(l.workingSetBytes).c_str(), l.gbPerSecond.front(), l.gbPerSecond.back(),
                           int(l.gbPerSecond.size()));
    drawRunInfo(runs->bandwidthInfo, r.outcome);
    views::note("Private levels (L1, L2) add up with threads; the shared L3 and DRAM saturate: the roofline's "
                "ceilings per level are these numbers.");
  });
}

}  // namespace

// [SECTION] view

Request probeRequest(const UiState& state, ProbeKind kind) {
  const MemoryViewState& m = state.memory;
  Request r;
  r.kind = RequestKind::Probe;
  r.settings = state.settings;
  r.probe.kind = kind;
  r.probe.maxBytes = m.maxBytes;
  r.probe.threads = threadsOf(m);
  r.probe.simulate = m.simulate && kind != ProbeKind::Bandwidth;
  r.probe.prefetch = m.prefetch;
  return r;
}

void updateMemoryRequests(UiState& state) {
  MemoryViewState& m = state.memory;
  if (state.view != View::Memory || state.actions.probe) return;
  if (!m.requested[int(m.shown)]) {
    m.requested[int(m.shown)] = true;
    state.actions.probe = true;
    state.actions.probeKind = m.shown;
  }
}

void drawMemoryView(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  MemoryViewState& m = state.memory;
  BoxRecord rec(state.access.wantLayout);
  const bool busy = progress.busy && progress.kind == RequestKind::Probe;
  if (ImGui::BeginTabBar("##probes")) {
    for (ProbeKind k : {ProbeKind::Latency, ProbeKind::Mountain, ProbeKind::Traversal, ProbeKind::Bandwidth}) {
      ImGuiTabItemFlags f = m.shownByProgram && m.shown == k ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(probeTitle(k), nullptr, f)) {
        if (!m.shownByProgram) m.shown = k;
        drawToolbar(state, k, busy);
        switch (k) {
          case ProbeKind::Latency: drawLatency(state, snap, rec); break;
          case ProbeKind::Mountain: drawMountain(state, snap, rec); break;
          case ProbeKind::Traversal: drawTraversal(state, snap, rec); break;
          case ProbeKind::Bandwidth: drawBandwidth(state, snap, rec); break;
        }
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  m.shownByProgram = false;
  if (state.access.wantLayout) state.access.layoutJson = rec.json("memory");
}

}  // namespace cachescope::app
