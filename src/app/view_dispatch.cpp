// The Dispatch view: where each kernel wins on this host, from the dispatch
// table `cachescope tune` measured (the same table the auto-dispatching
// kernel reads, the same who-wins maps as `tune --plot`): n x threads per
// width, and density x n for sparse against dense. Without a usable table
// it says why (none yet, another host's, a broken file) and states the
// heuristic the dispatcher uses instead. The table is read and the maps are
// built off the UI thread (a std::async task); Reload reads it again after
// a new tune.
#include <future>
#include <optional>
#include <map>
#include <set>
#include <tuple>

#include <imgui.h>

#include "app/panels.hpp"
#include "app/plot_renderer.hpp"
#include "app/view_layout.hpp"
#include "bench/dispatch_tune.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/registry.hpp"
#include "plot/who_wins.hpp"

namespace cachescope::app {

namespace {

struct Loaded {
  LoadedDispatchTable table;
  std::vector<plot::Plot> maps;      // n across, as `tune --plot` draws them
  std::vector<plot::Plot> mapsDown;  // the same maps with n down the side
};

struct DispatchViewState {
  bool started = false;
  std::future<Loaded> pending;
  std::optional<Loaded> shown;
};

DispatchViewState& viewState() {
  static DispatchViewState s;
  return s;
}

Loaded load() {
  Loaded l;
  l.table = loadDefaultDispatchTable();
  if (l.table.table) {
    const std::vector<BenchRecord> records = dispatchTableRecords(*l.table.table);
    l.maps = plot::whoWinsPlots(records, kernelTitles());
    l.mapsDown = plot::whoWinsPlots(records, kernelTitles(), plot::NAxis::Down);
  }
  return l;
}

std::size_t cellLabelCount(const plot::Frame& f) {
  std::set<std::size_t> labelled;
  for (const plot::TextItem* t : f.textsOf(plot::TextRole::CellLabel)) labelled.insert(t->index);
  return labelled.size();
}

// A map with n across, as files have it, where every cell keeps a label at
// this width and text size; else n down the side (eleven sizes across a
// hall's 1280 px window at 28 px text leave cells narrower than "1.25x"),
// as tall as a line of text per row needs (the view scrolls).
void drawMap(const plot::Plot& across, const plot::Plot& down, const char* id, float w, float fs,
             const PlotTheme& theme, views::BoxRecord& rec) {
  const float h = std::max(fs * 16, w * 0.42f);
  const plot::Frame f = plot::layoutPlot(across, w, h, fs, imguiTextWidth());
  if (cellLabelCount(f) == across.cells.size() || down.cells.size() != across.cells.size()) {
    views::plotBox(across, id, w, h, theme, rec);
    return;
  }
  // A row a line of text tall: grown by what the rows lack until they have
  // it (the title, legend and axes take what they take: a legend of four
  // kernels more than one of three); worked out once per plot and width.
  static std::map<std::tuple<std::string, float, float>, float> heights;  // by plot, width and text size
  const auto key = std::make_tuple(down.title + down.subtitle, w, fs);
  auto known = heights.find(key);
  if (known != heights.end()) {
    views::plotBox(down, id, w, known->second, theme, rec);
    return;
  }
  float hDown = std::max(h, fs * (10 + 1.5f * float(down.y.categories.size())));
  const float rowNeed = fs * 1.3f;
  for (int round = 0; round < 4; ++round) {
    const plot::Frame g = plot::layoutPlot(down, w, hDown, fs, imguiTextWidth());
    if (g.cells.empty() || g.cells[0].rect.height() >= rowNeed) break;
    hDown += float(down.y.categories.size()) * (rowNeed - g.cells[0].rect.height()) + 1;
  }
  heights[key] = hDown;
  views::plotBox(down, id, w, hDown, theme, rec);
}

}  // namespace

void drawDispatchView(UiState& state, const Snapshot&) {
  DispatchViewState& s = viewState();
  views::BoxRecord rec(state.access.wantLayout);
  if (!s.started) {
    s.started = true;
    s.pending = std::async(std::launch::async, load);
  }
  if (s.pending.valid() && s.pending.wait_for(std::chrono::milliseconds(s.shown ? 0 : 200)) == std::future_status::ready)
    s.shown = s.pending.get();

  const Kernel* dispatcher = findKernel(kernelRoles().dispatcher);
  views::heading("Backend dispatch: which kernel wins where on this host, the table " +
                 (dispatcher ? dispatcher->info.id : std::string("the dispatcher")) + " runs from");
  rec.addItem("text", "dispatch heading");
  if (ImGui::Button("Reload") && !s.pending.valid()) s.pending = std::async(std::launch::async, load);
  tooltip("Read the dispatch table again (after `cachescope tune` wrote a new one).");
  rec.addItem("button", "reload");

  if (!s.shown) {
    ImGui::TextUnformatted("Reading the dispatch table...");
  } else if (!s.shown->table.table) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.45f, 0.1f, 1));
    ImGui::TextWrapped("No tuned table in use: %s", s.shown->table.problem.c_str());
    ImGui::PopStyleColor();
    rec.addItem("text", "table problem");
    views::note("Measure one on this machine with `cachescope tune` (about a minute on 2 cores; progress on the "
                "terminal), then press Reload. Until then the dispatcher follows its built-in heuristic:");
    if (dispatcher) views::note(dispatcher->info.teaches);
  } else {
    const DispatchTable& t = *s.shown->table.table;
    // What one time in the table is: the median of t.reps repetitions, the
    // candidates taking turns round by round; a repetition is one run, or
    // the mean of back-to-back runs lasting minSampleS (a 1 us run alone is
    // a clock reading).
    const std::string rep = t.minSampleS > 0 ? "each the mean of back-to-back runs lasting >= " +
                                                   formatSeconds(t.minSampleS)
                                             : "each one run";
    ImGui::TextWrapped("Dispatch table %s, tuned %s: %zu points; a time is the median of %d repetitions (%s), "
                       "the candidates timed in turns.",
                       s.shown->table.path.c_str(), t.date.c_str(), t.points.size(), t.reps, rep.c_str());
    rec.addItem("text", "table path");
    const PlotTheme theme = plotTheme(state);
    const float fs = ImGui::GetFontSize();
    const float w = ImGui::GetContentRegionAvail().x;
    if (s.shown->maps.empty())
      views::note("The table has no width with two candidates at two sizes: nothing to map (tune more --n).");
    for (std::size_t i = 0; i < s.shown->maps.size(); ++i) {
      const plot::Plot& p = s.shown->maps[i];
      drawMap(p, i < s.shown->mapsDown.size() ? s.shown->mapsDown[i] : p, ("##whowins" + std::to_string(i)).c_str(),
              w, fs, theme, rec);
      drawExportButtons(state, p, "who-wins");
      ImGui::Spacing();
    }
    views::note("Each cell: the kernel with the lowest median time at that point, and its lead over the runner-up. "
                "Between tuned sizes the dispatcher interpolates each candidate's time in log-log and runs the "
                "fastest predicted. Hover a cell for both times.");
  }
  if (rec.on()) state.access.layoutJson = rec.json("dispatch");
}

}  // namespace cachescope::app
