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

#include <imgui.h>

#include "app/panels.hpp"
#include "app/view_layout.hpp"
#include "bench/dispatch_tune.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/registry.hpp"
#include "plot/who_wins.hpp"

namespace cachescope::app {

namespace {

struct Loaded {
  LoadedDispatchTable table;
  std::vector<plot::Plot> maps;
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
  if (l.table.table) l.maps = plot::whoWinsPlots(dispatchTableRecords(*l.table.table), kernelTitles());
  return l;
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
    ImGui::TextWrapped("Dispatch table %s, tuned %s: %zu points, median of %d runs per candidate.", s.shown->table.path.c_str(),
                       t.date.c_str(), t.points.size(), t.reps);
    rec.addItem("text", "table path");
    const PlotTheme theme = plotTheme(state);
    const float fs = ImGui::GetFontSize();
    const float w = ImGui::GetContentRegionAvail().x;
    if (s.shown->maps.empty())
      views::note("The table has no width with two candidates at two sizes: nothing to map (tune more --n).");
    for (std::size_t i = 0; i < s.shown->maps.size(); ++i) {
      const plot::Plot& p = s.shown->maps[i];
      views::plotBox(p, ("##whowins" + std::to_string(i)).c_str(), w, std::max(fs * 16, w * 0.42f), theme, rec);
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
