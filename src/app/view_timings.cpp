// The Timings view: the selected kernels' rates as bars (one chart per unit:
// GFLOP/s, GOP/s and GB/s never share an axis) with their values written on
// them, a table of the results (each row with its unit, the speedup against
// a chosen baseline, the error against fp32 and the memory footprint of the
// quantized and sparse kernels, the sparse kernel's dense-equivalent rate,
// and every warning of the record), the recent-run history, and sweeps
// against n, block size, threads and density.
//
// Layout: plots take the room they have and never less than their minimum
// (plotMinimumSize); the table goes beside the bars when both fit, else
// below them; the view scrolls vertically rather than squeezing anything.
//
// [SECTION] helpers
// [SECTION] toolbar: y scale, baseline
// [SECTION] the results table
// [SECTION] history
// [SECTION] rates
// [SECTION] sweeps
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "app/predict.hpp"
#include "app/view_layout.hpp"
#include "kernels/registry.hpp"
#include "plot/bench_plots.hpp"
#include "report/speedup.hpp"
#include "report/writers.hpp"

namespace cachescope::app {

namespace {

// [SECTION] helpers

// SameLine when an item `w` wide still fits on the line, else a new line:
// rows of buttons wrap rather than run off the view.
void sameLineIfFits(float w) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <= right) ImGui::SameLine();
}

std::string settingsText(const RunSettings& s, int n) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "n=%d  block=%d  threads=%d", n, s.params.block, s.params.threads);
  return buf;
}

plot::SweepAxis toPlotAxis(SweepAxis a) {
  return a == SweepAxis::Block     ? plot::SweepAxis::Block
         : a == SweepAxis::Threads ? plot::SweepAxis::Threads
         : a == SweepAxis::Density ? plot::SweepAxis::Density
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

std::string num(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string rateText(double rate) { return num(rate >= 100 ? "%.0f" : rate >= 10 ? "%.1f" : "%.2f", rate); }

ImVec4 warningColour(const UiState& state) {
  return state.theme == Theme::Light ? ImVec4(0.72f, 0.30f, 0.0f, 1) : ImVec4(1.0f, 0.68f, 0.25f, 1);
}

const std::string& baselineOf(const UiState& state) {
  return state.timings.baseline.empty() ? kernelRoles().baseline : state.timings.baseline;
}

// The y axis a chart gets from the toggle: Auto keeps the builder's choice
// for sweeps and goes log for bars 30x or more apart.
void applyYScale(plot::Plot& p, YScaleChoice choice) {
  if (choice == YScaleChoice::Linear) p.y.scale = plot::Scale::Linear;
  if (choice == YScaleChoice::Log) p.y.scale = plot::Scale::Log10;
  if (choice != YScaleChoice::Auto) return;
  double lo = 1e300, hi = 0;
  for (const plot::Series& s : p.series)
    for (const plot::Point& pt : s.points)
      if (pt.y > 0) lo = std::min(lo, pt.y), hi = std::max(hi, pt.y);
  if (hi > 0 && hi / lo >= 30) p.y.scale = plot::Scale::Log10;
}

// [SECTION] toolbar: y scale, baseline

void drawToolbar(UiState& state) {
  TimingsViewState& t = state.timings;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("y axis");
  ImGui::SameLine();
  int scale = int(t.yScale);
  const char* scales[] = {"auto", "linear", "log"};
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("linear").x + ImGui::GetFrameHeight() * 2);
  if (ImGui::Combo("##yscale", &scale, scales, 3)) t.yScale = YScaleChoice(scale);
  tooltip("The y axis of the bars and sweeps. auto: logarithmic when the rates shown are 30x or more apart, so a "
          "naive bar of 1.3 stays visible next to 148; linear: differences read as lengths; log: ratios read as "
          "equal steps.");
  // The baseline combo goes on the same line when it fits, else below.
  const std::vector<std::string>& ids = state.settings.kernels;
  std::vector<std::string> choices = ids;
  if (std::find(choices.begin(), choices.end(), baselineOf(state)) == choices.end())
    choices.insert(choices.begin(), baselineOf(state));
  const std::vector<std::string> names = plot::shortKernelNames(choices);
  std::size_t current = std::size_t(std::find(choices.begin(), choices.end(), baselineOf(state)) - choices.begin());
  float widest = 0;
  for (const std::string& n : names) widest = std::max(widest, ImGui::CalcTextSize(n.c_str()).x);
  const float comboW = widest + ImGui::GetFrameHeight() * 2;
  sameLineIfFits(ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize("speedup vs").x + comboW);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("speedup vs");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(comboW);
  if (ImGui::BeginCombo("##baseline", names[current].c_str())) {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      const bool selected = i == current;
      std::string label = names[i];
      if (std::find(ids.begin(), ids.end(), choices[i]) == ids.end()) label += " (not selected)";
      if (ImGui::Selectable(label.c_str(), selected)) t.baseline = choices[i];
    }
    ImGui::EndCombo();
  }
  tooltip("Speedups in the table are this kernel's median time / each kernel's, at the same n (and threads): a "
          "time ratio, so it compares kernels of different units too.");
  if (!state.lectureActive) {
    sameLineIfFits(ImGui::GetFrameHeight() + ImGui::CalcTextSize("Predict first").x + ImGui::GetStyle().ItemSpacing.x * 2);
    ImGui::Checkbox("Predict first", &state.predict.on);
    tooltip("Guess before you look: the rates stay hidden until you commit a guess of the fastest kernel, then "
            "the measurement appears beside your guess. Every new setting asks for a new guess. (The Memory "
            "view's latency ladder asks where the knee is.)");
  }
}

// [SECTION] predict first

std::string predictKey(const RunSettings& s) {
  std::string key;
  for (const std::string& k : s.kernels) key += k + ",";
  return key + settingsText(s, s.params.n) + " bits=" + std::to_string(s.params.bits) +
         " density=" + std::to_string(s.params.density);
}

// With "Predict first" on: the question until a guess is committed (false:
// the results stay hidden), then the verdict above the results (true).
bool drawPredict(UiState& state, const Snapshot& snap, float width) {
  PredictState& p = state.predict;
  const LectureQuestion q = predictQuestion(View::Timings, state.settings);
  if (q.options.size() < 2) {
    views::note("Predict first: tick two or more kernels of one family to guess which is fastest.");
    return true;
  }
  const std::string key = predictKey(state.settings);
  if (p.timingsKey != key) {
    p.timingsKey = key;
    p.timings = freshPredictGuess(p, q, View::Timings);
  }
  if (!p.timings.committed) {
    views::heading("Predict first");
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(q.text.c_str());
    ImGui::PopTextWrapPos();
    drawGuessEntry(q, p.timings, false, width);
    drawCommitButton(q, p.timings);
    const bool measured = snap.timing && snap.timing->settings == state.settings && snap.timing->complete;
    ImGui::SameLine();
    ImGui::TextDisabled("%s", measured ? "(measured: hidden until you commit)" : "(measuring...)");
    return false;
  }
  StepResults r;
  if (snap.timing && snap.timing->settings == state.settings && snap.timing->complete) r.records = snap.timing->records;
  if (drawVerdict(q, p.timings, computeAnswer(q, r), true)) p.timings = initialGuess(q);
  return true;
}

// [SECTION] the results table

struct Row {
  std::string id, name, rate, speedup, time;
  std::string rateTip, speedupTip;
  bool dim = false, failed = false;
  std::vector<std::string> details;   // error vs fp32, footprint, dense-equivalent rate
  std::vector<std::string> warnings;
};

std::vector<Row> tableRows(const UiState& state, const TimingRun& run, const std::vector<BenchRecord>& records) {
  const std::string& base = baselineOf(state);
  std::vector<std::string> shownIds = run.settings.kernels;
  const std::vector<std::string> names = plot::shortKernelNames(shownIds);
  const bool baseSelected = std::find(shownIds.begin(), shownIds.end(), base) != shownIds.end();
  std::vector<std::string> withBase = shownIds;
  if (!baseSelected) withBase.push_back(base);
  const std::vector<std::string> withBaseNames = plot::shortKernelNames(withBase);
  const std::string baseShort =
      withBaseNames[std::size_t(std::find(withBase.begin(), withBase.end(), base) - withBase.begin())];
  const BenchRecord* baseRecord = nullptr;
  for (const BenchRecord& r : records)
    if (r.kernel == base) baseRecord = &r;

  std::vector<Row> rows;
  for (std::size_t k = 0; k < shownIds.size(); ++k) {
    Row row;
    row.id = shownIds[k];
    row.name = names[k];
    const BenchRecord* r = nullptr;
    for (const BenchRecord& rec : records)
      if (rec.kernel == row.id) r = &rec;
    if (!r) {
      row.dim = true;
      row.rate = run.complete || run.outcome == Outcome::Cancelled ? "not run" : "...";
      rows.push_back(row);
      continue;
    }
    if (r->outcome != Outcome::Ok) {
      row.failed = true;
      row.rate = r->outcome == Outcome::Cancelled ? "stopped" : "failed";
      row.rateTip = outcomeText(*r);
      row.warnings = r->warnings;
      rows.push_back(row);
      continue;
    }
    row.rate = rateText(r->rate) + " " + r->unit;
    if (r->denseEquivalentRate) row.rate += " effective";
    row.rateTip = "median of " + std::to_string(r->reps) + " runs (after " + std::to_string(r->warmup) +
                  " warm-up)\nfastest " + num("%.3g", r->minS > 0 ? r->work / r->minS / 1e9 : 0.0) + ", slowest " +
                  num("%.3g", r->maxS > 0 ? r->work / r->maxS / 1e9 : 0.0) + " " + r->unit +
                  "\nstddev of the times: " + num("%.2g", r->meanS > 0 ? 100.0 * r->stddevS / r->meanS : 0.0) + "%";
    row.time = formatSeconds(r->medianS);
    // The baseline ran at this n but on another problem (relu against a matmul).
    const bool otherProblem =
        !baselineRecord(*r, records, base) && std::any_of(records.begin(), records.end(), [&](const BenchRecord& x) {
          return x.kernel == base && x.outcome == Outcome::Ok && x.n == r->n && !sameProblem(x, *r);
        });
    if (otherProblem) {
      row.speedup = "other problem";
      row.speedupTip = r->kernel + " and " + base + " solve different problems: choose a baseline of the same family.";
    } else if (std::optional<double> s = speedupOver(*r, records, base)) {
      row.speedup = num(*s >= 100 ? "%.0fx" : *s >= 10 ? "%.1fx" : "%.2fx", *s);
      row.speedupTip = baseShort + "'s median time / this kernel's at the same n: the same arithmetic, only the "
                       "order of memory accesses (and then SIMD, threads, precision) differs.";
    } else if (!baseSelected) {
      row.speedup = "needs " + baseShort;
      row.speedupTip = "Speedups are measured against " + base + ", which is not selected: tick it in the kernel list "
                       "(or choose another baseline above).";
    } else if (baseRecord && baseRecord->outcome != Outcome::Ok) {
      row.speedup = baseShort + " failed";
      row.speedupTip = outcomeText(*baseRecord);
    } else if (!baseRecord) {
      row.speedup = "...";
      row.speedupTip = base + " has not finished yet.";
    } else {
      row.speedup = "other n";
      row.speedupTip = base + " ran at another n or thread count.";
    }
    // What the quantized and sparse kernels trade for their speed.
    row.details = plot::recordNotes(*r);
    row.warnings = r->warnings;
    rows.push_back(row);
  }
  return rows;
}

// Column widths of the table: the widest cell of each (header included).
struct TableShape {
  float col[4] = {0, 0, 0, 0};
  float gap = 0;
  bool stacked = false;  // too narrow for four columns: speedup and time on a second line
  float width() const { return col[0] + col[1] + col[2] + col[3] + gap * 3; }
};

const char* kHeaders[4] = {"kernel", "rate", "speedup", "time"};

TableShape shapeFor(const std::vector<Row>& rows, float avail) {
  TableShape t;
  t.gap = ImGui::GetFontSize() * 0.9f;
  for (int c = 0; c < 4; ++c) t.col[c] = ImGui::CalcTextSize(kHeaders[c]).x;
  for (const Row& r : rows) {
    const std::string* cells[4] = {&r.name, &r.rate, &r.speedup, &r.time};
    for (int c = 0; c < 4; ++c) t.col[c] = std::max(t.col[c], ImGui::CalcTextSize(cells[c]->c_str()).x);
  }
  t.stacked = t.width() > avail;
  return t;
}

void drawTable(const UiState& state, const std::vector<Row>& rows, float width) {
  const TableShape t = shapeFor(rows, width);
  const float x0 = ImGui::GetCursorPosX();
  float xs[4] = {x0, 0, 0, 0};
  for (int c = 1; c < 4; ++c) xs[c] = xs[c - 1] + t.col[c - 1] + t.gap;
  auto at = [&](int c) {
    ImGui::SameLine();
    ImGui::SetCursorPosX(t.stacked && c >= 2 ? xs[c - 2] : xs[c]);
  };
  // Header.
  ImGui::TextDisabled("%s", kHeaders[0]);
  at(1);
  ImGui::TextDisabled("%s", kHeaders[1]);
  if (!t.stacked) {
    at(2);
    ImGui::TextDisabled("speedup");
    tooltip("vs " + baselineOf(state) + " (the y axis / speedup controls above choose the baseline)");
    at(3);
    ImGui::TextDisabled("%s", kHeaders[3]);
  }
  ImGui::Separator();
  const float wrapAt = x0 + width;
  for (const Row& r : rows) {
    ImGui::PushID(r.id.c_str());
    ImGui::TextUnformatted(r.name.c_str());
    if (const Kernel* k = findKernel(r.id)) tooltip(k->info.title + " (" + r.id + ")\n\n" + k->info.teaches);
    at(1);
    if (r.failed) ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.25f, 1), "%s", r.rate.c_str());
    else if (r.dim) ImGui::TextDisabled("%s", r.rate.c_str());
    else ImGui::TextUnformatted(r.rate.c_str());
    if (!r.rateTip.empty()) tooltip(r.rateTip);
    if (!r.speedup.empty() || !r.time.empty()) {
      if (t.stacked) {
        ImGui::SetCursorPosX(xs[0] + ImGui::GetFontSize());
        ImGui::TextDisabled("speedup");
        ImGui::SameLine();
      } else {
        at(2);
      }
      if (r.speedup.rfind("needs ", 0) == 0 || r.speedup.find("failed") != std::string::npos)
        ImGui::TextColored(warningColour(state), "%s", r.speedup.c_str());
      else ImGui::TextUnformatted(r.speedup.c_str());
      if (!r.speedupTip.empty()) tooltip(r.speedupTip);
      if (t.stacked) ImGui::SameLine(0, ImGui::GetFontSize());
      else at(3);
      ImGui::TextUnformatted(r.time.c_str());
    }
    // Details and warnings: whole lines under the row, wrapped, never cut.
    ImGui::PushTextWrapPos(wrapAt);
    for (const std::string& d : r.details) {
      ImGui::SetCursorPosX(xs[0] + ImGui::GetFontSize());
      ImGui::TextDisabled("%s", d.c_str());
    }
    ImGui::PushStyleColor(ImGuiCol_Text, warningColour(state));
    for (const std::string& w : r.warnings) {
      ImGui::SetCursorPosX(xs[0] + ImGui::GetFontSize());
      ImGui::TextWrapped("! %s", w.c_str());
    }
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::PopID();
  }
}

// [SECTION] history

struct HistoryRow {
  std::string size, best, worst, tip;
};

std::vector<HistoryRow> historyRows(const Snapshot& snap) {
  std::vector<HistoryRow> rows;
  for (auto it = snap.history.rbegin(); it != snap.history.rend(); ++it) {
    const BenchRecord *best = nullptr, *worst = nullptr;
    std::vector<std::string> ids;
    for (const BenchRecord& r : it->records) ids.push_back(r.kernel);
    const std::vector<std::string> names = plot::shortKernelNames(ids);
    std::size_t bi = 0, wi = 0;
    // Fastest and slowest by time among the kernels that solve the same
    // problem as the first (rates of different units do not compare).
    const BenchRecord* first = nullptr;
    for (const BenchRecord& r : it->records)
      if (!first && r.outcome == Outcome::Ok) first = &r;
    for (std::size_t i = 0; i < it->records.size(); ++i) {
      const BenchRecord& r = it->records[i];
      if (r.outcome != Outcome::Ok || !sameProblem(r, *first)) continue;
      if (!best || r.medianS < best->medianS) best = &r, bi = i;
      if (!worst || r.medianS > worst->medianS) worst = &r, wi = i;
    }
    HistoryRow h;
    h.size = "n=" + std::to_string(it->n);
    h.tip = "n=" + std::to_string(it->n) + ", block " + std::to_string(it->settings.params.block) + ", " +
            std::to_string(it->settings.params.threads) + " thread(s), took " + formatSeconds(it->seconds);
    if (best) h.best = names[bi] + " " + rateText(best->rate) + " " + best->unit;
    if (worst) h.worst = names[wi] + " " + rateText(worst->rate) + " " + worst->unit;
    rows.push_back(h);
  }
  return rows;
}

float historyMinWidth(const std::vector<HistoryRow>& rows) {
  float w = ImGui::CalcTextSize("Recent runs").x;
  for (const HistoryRow& h : rows)
    w = std::max({w, ImGui::CalcTextSize(h.size.c_str()).x, ImGui::CalcTextSize(h.best.c_str()).x,
                  ImGui::CalcTextSize(h.worst.c_str()).x});
  return w + ImGui::GetFontSize() * 1.5f;
}

void drawHistory(const Snapshot& snap, float width) {
  ImGui::TextUnformatted("Recent runs");
  tooltip("The last completed measurements, newest first: compare settings without re-running.");
  const std::vector<HistoryRow> rows = historyRows(snap);
  if (rows.empty()) {
    ImGui::TextDisabled("none yet");
    return;
  }
  // Each run on two lines (size and fastest, then slowest): readable at
  // lecture sizes in a narrow column; at least three runs stay in view.
  const float lineH = ImGui::GetTextLineHeightWithSpacing();
  const int shown = std::min<int>(int(rows.size()), 4);
  const float h = float(shown) * (lineH * 2 + ImGui::GetStyle().ItemSpacing.y) + ImGui::GetStyle().WindowPadding.y;
  ImGui::BeginChild("##history", ImVec2(width, h), true);
  for (const HistoryRow& r : rows) {
    ImGui::TextUnformatted(r.size.c_str());
    tooltip(r.tip);
    ImGui::SameLine();
    ImGui::TextUnformatted(("fastest " + r.best).c_str());
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetFontSize());
    ImGui::TextDisabled("slowest %s", r.worst.c_str());
  }
  ImGui::EndChild();
}

// [SECTION] rates

void drawRates(UiState& state, const Snapshot& snap, float width, float height) {
  const float fs = ImGui::GetFontSize();
  const TimingRun* run = snap.timing ? &*snap.timing : nullptr;
  // While the real size runs and nothing of it is in, show the quick look.
  const bool showPreview = snap.preview && (!run || run->request != snap.preview->request || run->records.empty());
  const TimingRun* shown = showPreview ? &*snap.preview : run;
  if (!shown) {
    ImGui::TextDisabled("No measurement yet: press Run (or move a slider with auto-rerun on).");
    return;
  }
  std::vector<BenchRecord> records = inLadderOrder(*shown);
  std::string subtitle;
  if (showPreview)
    subtitle = "quick look: 1 run each at n=" + std::to_string(shown->n) + ", while n=" +
               std::to_string(shown->settings.params.n) + " is measured";
  else if (!shown->complete)
    subtitle = std::string(shown->outcome == Outcome::Cancelled ? "stopped: " : "measuring: ") +
               std::to_string(records.size()) + " of " + std::to_string(shown->settings.kernels.size()) + " kernels, " +
               settingsText(shown->settings, shown->n);
  else
    subtitle = settingsText(shown->settings, shown->n) + ", median of repetitions, bars: fastest/slowest";

  // One chart per unit.
  std::vector<std::vector<BenchRecord>> units;
  for (auto& group : plot::splitByUnit(records)) {
    std::erase_if(group, [](const BenchRecord& r) { return r.outcome != Outcome::Ok; });
    if (!group.empty()) units.push_back(std::move(group));
  }
  std::vector<plot::Plot> charts;
  for (const auto& group : units) {
    plot::Plot p = plot::rateBars(group, true, shown->settings.kernels);
    p.subtitle = subtitle;
    applyYScale(p, state.timings.yScale);
    charts.push_back(std::move(p));
  }

  const std::vector<Row> rows = tableRows(state, *shown, records);
  const std::vector<HistoryRow> history = historyRows(snap);
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  float chartMinW = 0;
  for (const plot::Plot& p : charts) chartMinW = std::max(chartMinW, plotMinimumSize(p).x);
  const float tableW = std::max({shapeFor(rows, 1e9f).width(), historyMinWidth(history), fs * 12});
  // Beside when the chart keeps at least its minimum and half the width.
  const bool beside = !charts.empty() && width - tableW - spacing >= std::max(chartMinW, width * 0.5f);
  const float chartW = beside ? width - tableW - spacing : width;
  const float exportH = ImGui::GetFrameHeightWithSpacing();

  ImGui::BeginGroup();
  if (charts.empty()) ImGui::TextDisabled(shown->complete ? "No kernel finished: see the table." : "Measuring...");
  // Several units: side by side (widths by their number of bars) when each
  // keeps its minimum width, else one under the other, each most of a screen.
  std::vector<float> widths(charts.size(), chartW);
  if (charts.size() > 1) {
    float bars = 0, minSum = 0;
    for (std::size_t i = 0; i < charts.size(); ++i) bars += float(units[i].size()) + 1;
    bool fits = true;
    const float room = chartW - spacing * float(charts.size() - 1);
    // A chart's column is at least its minimum and its export buttons' row.
    const ImGuiStyle& st = ImGui::GetStyle();
    const float buttonsW = ImGui::CalcTextSize("PNGSVGPDFCSV| resultsJSONCSV").x + 7 * (st.FramePadding.x * 2 + st.ItemSpacing.x);
    auto least = [&](std::size_t i) { return std::max(plotMinimumSize(charts[i]).x, buttonsW); };
    for (std::size_t i = 0; i < charts.size(); ++i) {
      widths[i] = std::floor(room * (float(units[i].size()) + 1) / bars);
      minSum += least(i);
      if (widths[i] < least(i)) fits = false;
    }
    if (!fits && minSum <= room) {
      // Proportional shares squeeze one: give each its minimum, the rest evenly.
      for (std::size_t i = 0; i < charts.size(); ++i) widths[i] = std::floor(least(i) + (room - minSum) / float(charts.size()));
      fits = true;
    }
    if (!fits) widths.assign(charts.size(), chartW);
  }
  const bool sideBySide = charts.size() > 1 && widths[0] < chartW;
  for (std::size_t i = 0; i < charts.size(); ++i) {
    // The room there is, but no taller than a sensible chart shape.
    const float share = height - exportH;  // stacked: a screen each, the view scrolls
    const float h = std::max(std::min(share, widths[i] * (sideBySide ? 1.4f : 0.7f)), plotMinimumSize(charts[i], widths[i]).y);
    if (sideBySide && i > 0) ImGui::SameLine();
    ImGui::BeginGroup();
    drawPlot(charts[i], ("rates" + std::to_string(i)).c_str(), ImVec2(widths[i], h), plotTheme(state));
    const std::string stem = charts.size() == 1 ? "rates" : "rates-" + std::to_string(i + 1);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + widths[i]);
    drawExportButtons(state, charts[i], stem.c_str(),
                      [group = units[i]](bool json) { return json ? formatJson(group) : formatCsv(group); });
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
  }
  ImGui::EndGroup();
  if (beside) ImGui::SameLine();
  else ImGui::Spacing();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(showPreview ? "Quick look" : shown->complete ? "Measured" : "Measuring...");
  ImGui::SameLine();
  ImGui::TextDisabled("n=%d", shown->n);
  drawTable(state, rows, beside ? tableW : width);
  if (shown->complete) ImGui::TextDisabled("took %s", formatSeconds(shown->seconds).c_str());
  ImGui::Spacing();
  drawHistory(snap, beside ? tableW : std::min(width, std::max(tableW, historyMinWidth(history))));
  ImGui::EndGroup();
}

// [SECTION] sweeps

void drawSweep(UiState& state, const Snapshot& snap, float width, float height) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Sweep");
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
      {SweepAxis::Density, "vs density",
       "Time of the sparse kernel against the share of nonzeros it keeps (0.01 to 1), with each selected dense "
       "kernel at the same n as a horizontal line: the marker shows the density where sparse stops paying off."},
  };
  for (const AxisButton& b : buttons) {
    // Buttons wrap onto the next line rather than run off the view.
    sameLineIfFits(ImGui::CalcTextSize(b.label).x + ImGui::GetStyle().FramePadding.x * 2);
    const bool applies = !sweepValues(b.axis, state.settings).empty();
    ImGui::BeginDisabled(!applies);
    if (ImGui::Button(b.label)) state.actions.sweep = b.axis;
    ImGui::EndDisabled();
    tooltip(applies ? b.tip
                    : b.axis == SweepAxis::Density ? "Tick the sparse kernel: it is the one that reads the density."
                                                   : "No selected kernel reads this parameter.");
  }
  if (!snap.sweep) {
    ImGui::TextDisabled("Pick an axis above to measure a sweep.");
    return;
  }
  const SweepRun& s = *snap.sweep;
  std::string subtitle;
  if (!s.complete)
    subtitle = std::string(s.outcome == Outcome::Cancelled ? "stopped after " : "measuring: ") +
               std::to_string(s.records.size()) + " points so far";
  else if (!(s.settings == state.settings))
    subtitle = "measured with other settings (n=" + std::to_string(s.settings.params.n) + ", block=" +
               std::to_string(s.settings.params.block) + "); press a sweep button to redo it";
  // One chart per unit (the density plot is in time: one chart).
  std::vector<std::vector<BenchRecord>> groups;
  if (s.axis == SweepAxis::Density) groups.push_back(s.records);
  else groups = plot::splitByUnit(s.records);
  std::vector<plot::Plot> charts;
  for (const auto& g : groups) {
    plot::Plot p = s.axis == SweepAxis::Density ? plot::densityPlot(g, true, s.settings.kernels)
                                                : plot::sweepPlot(g, toPlotAxis(s.axis));
    if (!subtitle.empty()) p.subtitle = subtitle + "; " + p.subtitle;
    applyYScale(p, state.timings.yScale);
    charts.push_back(std::move(p));
  }
  const float exportH = ImGui::GetFrameHeightWithSpacing();
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const float h = std::max(std::min(height / float(charts.size()) - exportH, width * 0.6f), plotMinimumSize(charts[i], width).y);
    drawPlot(charts[i], ("sweep" + std::to_string(i)).c_str(), ImVec2(width, h), plotTheme(state));
    std::string stem = std::string("sweep-") + toString(s.axis) + (charts.size() > 1 ? "-" + std::to_string(i + 1) : "");
    drawExportButtons(state, charts[i], stem.c_str(),
                      [recs = groups[i]](bool json) { return json ? formatJson(recs) : formatCsv(recs); });
  }
}

}  // namespace

void drawTimingsView(UiState& state, const Snapshot& snap) {
  // Large fonts need more room than the window has: the view scrolls rather
  // than squashing the plots (each is drawn at least at its minimum size).
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // A vertical scrollbar may appear: leave it its room so nothing is cut.
  const float width = avail.x - ImGui::GetStyle().ScrollbarSize;
  const float y0 = ImGui::GetCursorPosY();
  drawToolbar(state);
  if (state.predict.on && !state.lectureActive && !drawPredict(state, snap, width)) return;
  // The bars fill the rest of the first screen (the table beside or below
  // them); a sweep gets a screen of its own below.
  const float rest = avail.y - (ImGui::GetCursorPosY() - y0) - ImGui::GetStyle().ItemSpacing.y;
  drawRates(state, snap, width, std::max(ImGui::GetFontSize() * 12, rest));
  ImGui::Spacing();
  ImGui::Separator();
  drawSweep(state, snap, width, std::max(ImGui::GetFontSize() * 12, avail.y - ImGui::GetFrameHeightWithSpacing() * 2));
}

}  // namespace cachescope::app
