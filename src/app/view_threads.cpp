// The Threads view: one real run of matmul.parallel with its TileRecorder
// attached (Worker::runThreads). C coloured by the arena thread that computed
// each block, and a timeline of the tile tasks per thread (start, end), so
// load imbalance and the effect of the threads slider are visible. The
// recording's own cost is measured beside it (runs with it off and on), and
// the same run on one thread gives the speedup, explained where it beats
// the thread count (each core brings its own caches).
//
// Layout: C beside the timeline where the view is wide, above it where not;
// the time axis keeps as many ticks as their labels have room for.
//
// [SECTION] requests
// [SECTION] C by thread
// [SECTION] timeline
// [SECTION] view
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels.hpp"
#include "app/view_layout.hpp"
#include "engine/threads_run.hpp"
#include "kernels/registry.hpp"
#include "plot/plot.hpp"

namespace cachescope::app {

namespace {

// [SECTION] requests

std::string threadsKey(const UiState& state) {
  return std::to_string(state.settings.params.n) + "/" + std::to_string(state.settings.params.threads);
}

ImU32 threadColor(int t) {
  const std::uint32_t rgba = plot::paletteColor(std::size_t(t));
  return IM_COL32((rgba >> 24) & 0xff, (rgba >> 16) & 0xff, (rgba >> 8) & 0xff, 255);
}

std::string ms(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 0.01 ? "%.2f ms" : "%.1f ms", s * 1e3);
  return buf;
}

// [SECTION] C by thread

void drawOwnerGrid(const ThreadsRun& run, float edge, views::BoxRecord& rec) {
  const int n = run.n;
  const int factor = (n + 127) / 128;
  const int cells = (n + factor - 1) / factor;
  const std::vector<int> owner = ownerGrid(run, factor, cells, cells);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + edge);
  views::heading("C, by the thread that computed it");
  ImGui::PopTextWrapPos();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float cell = edge / float(cells);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + edge, pos.y + edge), ImGui::GetColorU32(ImGuiCol_FrameBg));
  // Runs of equal owners along a row become one rectangle: at most a few
  // hundred per frame.
  for (int r = 0; r < cells; ++r)
    for (int c = 0; c < cells;) {
      const int o = owner[std::size_t(r * cells + c)];
      int e = c + 1;
      while (e < cells && owner[std::size_t(r * cells + e)] == o) ++e;
      if (o >= 0)
        dl->AddRectFilled(ImVec2(pos.x + float(c) * cell, pos.y + float(r) * cell),
                          ImVec2(pos.x + float(e) * cell, pos.y + float(r + 1) * cell), threadColor(o));
      c = e;
    }
  // The task boundaries of the first k pass: the row chunks and column blocks.
  const ImU32 line = ImGui::GetColorU32(ImGuiCol_WindowBg);
  for (const TileRecord& t : run.records) {
    if (t.k0 != 0) continue;
    const float x0 = pos.x + float(t.col0) / float(n) * edge, y0 = pos.y + float(t.row0) / float(n) * edge;
    const float x1 = pos.x + float(t.col0 + t.cols) / float(n) * edge, y1 = pos.y + float(t.row0 + t.rows) / float(n) * edge;
    dl->AddRect(ImVec2(x0, y0), ImVec2(x1, y1), line, 0, 0, 2.0f);
  }
  ImGui::Dummy(ImVec2(edge, edge));
  tooltip("Each block of C is coloured by the thread that spent the most time on it (over all k passes). Lines: "
          "the tasks of the first pass, one row chunk per thread and column block.");
  rec.addItem("grid", "C by thread");
  ImGui::EndGroup();
}

// One small C per k pass: the same block of C is updated once per pass of
// the packed GEMM, not always by the same thread.
void drawPasses(const ThreadsRun& run, float width) {
  const float fs = ImGui::GetFontSize();
  std::vector<int> passes;
  for (const TileRecord& r : run.records)
    if (std::find(passes.begin(), passes.end(), r.k0) == passes.end()) passes.push_back(r.k0);
  std::sort(passes.begin(), passes.end());
  if (passes.empty()) return;
  const float gap = fs * 0.8f;
  // Wrapped into rows of mini grids at least 5 font sizes wide (the label).
  const int perRow = std::max(1, std::min(int(passes.size()), int((width + gap) / (fs * 5 + gap))));
  const float edge = std::floor(std::min(fs * 9, (width - gap * float(perRow - 1)) / float(perRow)));
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + width);
  views::heading("C in each k pass (every block of C is updated once per pass)");
  ImGui::PopTextWrapPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 frame = ImGui::GetColorU32(ImGuiCol_FrameBg), line = ImGui::GetColorU32(ImGuiCol_WindowBg);
  for (std::size_t p = 0; p < passes.size(); ++p) {
    if (p % std::size_t(perRow)) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(pos, ImVec2(pos.x + edge, pos.y + edge), frame);
    int depth = 0;
    for (const TileRecord& r : run.records) {
      if (r.k0 != passes[p]) continue;
      depth = r.depth;
      const float x0 = pos.x + float(r.col0) / float(run.n) * edge, y0 = pos.y + float(r.row0) / float(run.n) * edge;
      const float x1 = pos.x + float(r.col0 + r.cols) / float(run.n) * edge;
      const float y1 = pos.y + float(r.row0 + r.rows) / float(run.n) * edge;
      dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), threadColor(r.thread));
      dl->AddRect(ImVec2(x0, y0), ImVec2(x1, y1), line, 0, 0, 1.5f);
    }
    ImGui::Dummy(ImVec2(edge, edge));
    char label[48];
    std::snprintf(label, sizeof label, "k %d..%d", passes[p], passes[p] + depth - 1);
    if (ImGui::CalcTextSize(label).x > edge) std::snprintf(label, sizeof label, "k %d..", passes[p]);
    ImGui::TextUnformatted(label);
    ImGui::EndGroup();
  }
}

// [SECTION] timeline

void drawTimeline(const ThreadsRun& run, const std::vector<ThreadLoad>& loads, ImVec2 size, views::BoxRecord& rec) {
  const float fs = ImGui::GetFontSize();
  double end = 0;
  for (const TileRecord& r : run.records) end = std::max(end, r.t1);
  if (end <= 0) end = 1e-6;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + size.x);
  views::heading("Tile tasks per thread over time");
  ImGui::PopTextWrapPos();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float labelW = ImGui::CalcTextSize("thread 00").x + fs * 0.5f;
  const float axisH = ImGui::GetTextLineHeightWithSpacing() * 1.2f;
  const int lanes = std::max<int>(1, int(loads.size()));
  const float laneH = std::max(fs * 1.2f, std::min(fs * 3.0f, (size.y - axisH) / float(lanes)));
  const float x0 = pos.x + labelW, x1 = pos.x + size.x - fs * 2.5f;  // room for the last tick label
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 frame = ImGui::GetColorU32(ImGuiCol_FrameBg);
  for (int t = 0; t < lanes; ++t) {
    const float y = pos.y + float(t) * laneH;
    dl->AddRectFilled(ImVec2(x0, y + laneH * 0.1f), ImVec2(x1, y + laneH * 0.9f), frame);
    char label[32];
    std::snprintf(label, sizeof label, "thread %d", t);
    views::drawListText(dl, ImVec2(pos.x, y + (laneH - fs) * 0.5f), text, label, &rec);
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const TileRecord* hovered = nullptr;
  for (const TileRecord& r : run.records) {
    const float y = pos.y + float(r.thread) * laneH;
    const float a = x0 + float(r.t0 / end) * (x1 - x0), b = std::max(a + 1.0f, x0 + float(r.t1 / end) * (x1 - x0));
    const ImVec2 p0(a, y + laneH * 0.15f), p1(b, y + laneH * 0.85f);
    dl->AddRectFilled(p0, p1, threadColor(r.thread));
    dl->AddRect(p0, p1, ImGui::GetColorU32(ImGuiCol_WindowBg), 0, 0, 1.0f);
    if (mouse.x >= p0.x && mouse.x < p1.x && mouse.y >= p0.y && mouse.y < p1.y) hovered = &r;
  }
  // Time axis.
  const float axisY = pos.y + float(lanes) * laneH + 2;
  dl->AddLine(ImVec2(x0, axisY), ImVec2(x1, axisY), text);
  // As many ticks as labels fit with a gap between them: fewer at large
  // fonts; a label that would still touch its neighbour is left out.
  const float widest = ImGui::CalcTextSize("00.00 ms").x + fs;
  const int target = std::clamp(int((x1 - x0) / (widest * 1.5f)), 2, 6);
  float lastRight = -1e30f;
  for (const plot::Tick& tick : plot::niceTicks(0, end * 1e3, plot::Scale::Linear, target)) {
    const float x = x0 + float(tick.value / (end * 1e3)) * (x1 - x0);
    if (x > x1 + 0.5f || x < x0 - 0.5f) continue;
    dl->AddLine(ImVec2(x, axisY), ImVec2(x, axisY + fs * 0.3f), text);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s ms", tick.label.c_str());
    const float w = ImGui::CalcTextSize(buf).x;
    const float left = std::min(x - w * 0.5f, pos.x + size.x - w);
    if (left < lastRight + fs * 0.5f) continue;
    views::drawListText(dl, ImVec2(left, axisY + fs * 0.3f), text, buf, &rec);
    lastRight = left + w;
  }
  ImGui::Dummy(ImVec2(size.x, float(lanes) * laneH + axisH + fs * 0.4f));
  if (hovered) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "thread %d: C rows %d..%d, columns %d..%d, k %d..%d\n%.3f .. %.3f ms (%.3f ms)",
                  hovered->thread, hovered->row0, hovered->row0 + hovered->rows - 1, hovered->col0,
                  hovered->col0 + hovered->cols - 1, hovered->k0, hovered->k0 + hovered->depth - 1, hovered->t0 * 1e3,
                  hovered->t1 * 1e3, (hovered->t1 - hovered->t0) * 1e3);
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(buf);
    ImGui::EndTooltip();
  }
  ImGui::EndGroup();
  (void)loads;
}

}  // namespace

// [SECTION] view

void updateThreadsRequests(UiState& state) {
  if (state.view != View::Threads || state.debounce.pending()) return;
  const std::string key = threadsKey(state);
  if (key == state.threads.postedKey) return;
  state.threads.postedKey = key;
  state.actions.recordThreads = true;
}

void drawThreadsView(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const float fs = ImGui::GetFontSize();
  views::BoxRecord rec(state.access.wantLayout);
  const std::string& id = kernelRoles().threads;
  if (!findKernel(id)) {
    ImGui::TextWrapped("%s is not registered in this build: there are no threads to show.", id.c_str());
    return;
  }
  const bool recording = progress.busy && progress.kind == RequestKind::Threads;
  if (!snap.threads || (snap.threads->outcome == Outcome::Cancelled && snap.threads->records.empty())) {
    const std::string text = recording ? "Running " + id + " with its tiles recorded..."
                             : snap.threads
                                 ? std::string("The run was stopped before a recorded run finished; move n or threads to run it again.")
                                 : "The view runs " + id + " with the threads slider's count when it opens.";
    ImGui::TextWrapped("%s", text.c_str());
    return;
  }
  const ThreadsRun& run = *snap.threads;
  const std::vector<ThreadLoad> loads = threadLoads(run);
  const double ratio = imbalance(loads);

  views::heading(id + ", n=" + std::to_string(run.n) + ", " + std::to_string(run.threads) + " thread" +
                 (run.threads == 1 ? "" : "s") + ": " + ms(run.shownSeconds));
  const float again = ImGui::CalcTextSize("Record again").x + ImGui::GetStyle().FramePadding.x * 2;
  views::sameLineIfFits(again, fs);
  if (ImGui::Button("Record again")) state.actions.recordThreads = true;
  tooltip("Run it again with the current n and threads (also happens when they change).");
  char buf[160];
  std::snprintf(buf, sizeof buf, "Busiest thread: %.2fx the mean busy time%s", ratio,
                ratio < 1.1 ? " (well balanced)" : ratio < 1.5 ? " (some imbalance)" : " (imbalanced: threads wait)");
  ImGui::TextWrapped("%s", buf);
  tooltip("Sum of each thread's task durations; the run ends when the busiest thread is done, so 1.5x means a third "
          "of the others' time is spent waiting.");
  // Speedup over the same run on one thread, and why it can beat "ideal".
  if (run.threads > 1 && snap.threadsOne && snap.threadsOne->n == run.n && snap.threadsOne->plainMedianS > 0 &&
      run.plainMedianS > 0) {
    const double speedup = snap.threadsOne->plainMedianS / run.plainMedianS;
    std::snprintf(buf, sizeof buf, "Speedup %.2fx over 1 thread (%s -> %s; ideal %dx).", speedup,
                  ms(snap.threadsOne->plainMedianS).c_str(), ms(run.plainMedianS).c_str(), run.threads);
    std::string line = buf;
    if (speedup > run.threads * 1.05)
      line += " Above the ideal: each core brings its own L1 and L2, so " + std::to_string(run.threads) +
              " cores keep " + std::to_string(run.threads) + "x as much of A, B and C in cache as one (and one thread's "
              "time may include a slower start).";
    else if (speedup < run.threads * 0.7)
      line += " Below the ideal: threads wait for the busiest one, share the L3 and memory bandwidth, or another "
              "program is using a core (a busy machine).";
    ImGui::TextWrapped("%s", line.c_str());
    tooltip("Medians of runs without the recorder, one thread against the threads slider's count.");
  } else if (run.threads > 1 && recording) {
    views::note("timing the same run on one thread for the speedup...");
  }
  views::note("Recording costs: median " + ms(run.plainMedianS) + " off, " + ms(run.recordedMedianS) + " on (" +
              std::to_string(run.runsEach) + " runs each, interleaved)" +
              (run.dropped ? ", some tasks not recorded (recorder full)" : ""));
  tooltip("The recorder is a pointer test per task when off, and two clock reads and one store per task when on; a "
          "task computes thousands of micro-kernel tiles.");
  if (run.threads > 1 && run.runsEach > 0) {
    const int runs = 2 * run.runsEach;
    views::note(run.lateWorkerRuns == 0
                    ? "Every worker took its first band within 30 us, in " + std::to_string(runs) + " of " +
                          std::to_string(runs) + " runs."
                    : "A worker was late in " + std::to_string(run.lateWorkerRuns) + " of " + std::to_string(runs) +
                          " runs: the system had woken it on the main thread's CPU, so the main thread moved to "
                          "another CPU after 30 us and both ran.");
    tooltip("oneTBB's workers sleep between runs. Woken by a thread that keeps computing, a worker can be placed on "
            "that thread's CPU and wait there for the scheduler's next tick (milliseconds) while another CPU idles. "
            "The kernel's main thread then moves itself to another CPU of its mask for the rest of the run and puts "
            "its mask back after (nothing is pinned).");
  }
  if (recording) views::note("recording the new settings...");

  // Per-thread chips: colour, tasks, busy time (wrapping).
  for (std::size_t t = 0; t < loads.size(); ++t) {
    char text[96];
    std::snprintf(text, sizeof text, "thread %zu: %d tasks, busy %s", t, loads[t].tasks, ms(loads[t].busyS).c_str());
    const float w = fs * 1.2f + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(text).x;
    if (t) views::sameLineIfFits(w, fs * 1.5f);
    ImGui::BeginGroup();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + fs * 0.15f), ImVec2(p.x + fs, p.y + fs * 1.15f),
                                              threadColor(int(t)));
    ImGui::Dummy(ImVec2(fs * 1.2f, fs));
    ImGui::SameLine();
    ImGui::TextUnformatted(text);
    ImGui::EndGroup();
  }
  if (run.threads == 1) views::note("Move the threads slider (left) to split C between threads.");

  // Wide: C left, the timeline and the passes right. Narrow: stacked.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const bool beside = avail.x >= fs * 40;
  const float lanesH = fs * 3.2f * float(std::max<std::size_t>(1, loads.size())) + fs * 2;
  float edge = beside ? std::min(avail.y - ImGui::GetTextLineHeightWithSpacing() * 2, avail.x * 0.42f)
                      : std::min(avail.x * 0.8f, std::max(fs * 12, avail.y - ImGui::GetTextLineHeightWithSpacing() * 2));
  edge = std::floor(std::max(fs * 6, edge));
  drawOwnerGrid(run, edge, rec);
  if (beside) ImGui::SameLine(0, fs * 1.5f);
  ImGui::BeginGroup();
  const float right = beside ? ImGui::GetContentRegionAvail().x : avail.x;
  drawTimeline(run, loads, ImVec2(right, beside ? std::min(edge * 0.5f, lanesH) : lanesH), rec);
  rec.addItem("timeline", "tile tasks per thread");
  ImGui::Spacing();
  drawPasses(run, right);
  ImGui::EndGroup();
  if (state.access.wantLayout) state.access.layoutJson = rec.json("threads");
}

}  // namespace cachescope::app
