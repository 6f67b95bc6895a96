// Shared widgets (tooltips, export buttons, headings, a wrapping row) and the
// main window's frame: control column, view row and tabs, status bar.
#include <algorithm>
#include <cstdio>

#include "app/layout_record.hpp"
#include "app/panels.hpp"

namespace cachescope::app {

PlotTheme plotTheme(const UiState& state) {
  PlotTheme t = state.theme == Theme::Light ? lightPlotTheme() : darkPlotTheme();
  t.fill = false;
  t.background = ImGui::GetColorU32(ImGuiCol_WindowBg);
  return t;
}

void tooltip(const char* text) {
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void tooltip(const std::string& text) { tooltip(text.c_str()); }

void drawExportButtons(UiState& state, const plot::Plot& plot, const char* stem, const ResultsText& results) {
  ImGui::PushID(stem);
  for (const char* format : {"png", "svg", "pdf", "csv"}) {
    char label[16];
    std::snprintf(label, sizeof label, "%s", format);
    for (char* c = label; *c; ++c) *c = char(*c - 'a' + 'A');
    if (ImGui::SmallButton(label)) state.exports.push_back({stem, format, plot, {}});
    tooltip(std::string("Save this plot as ") + label + " in " + state.exportDir +
            (std::string(format) == "csv" ? " (the plotted numbers: series, x, y, error bars)"
             : std::string(format) == "svg" ? " (vector graphics, same layout as here)"
             : std::string(format) == "pdf" ? " (vector graphics for papers)"
                                            : " (for slides)"));
    ImGui::SameLine();
  }
  if (results) {
    ImGui::TextDisabled("| results");
    ImGui::SameLine();
    for (bool json : {true, false}) {
      if (ImGui::SmallButton(json ? "JSON" : "CSV##results")) {
        ExportRequest e;
        e.name = std::string(stem) + "-results";
        e.format = json ? "json" : "csv";
        e.text = results(json);
        state.exports.push_back(std::move(e));
      }
      tooltip(std::string("Save the measured results as ") + (json ? "JSON" : "CSV") + " in " + state.exportDir +
              ": the writer of `cachescope bench --format " + (json ? "json" : "csv") +
              "` (host context, medians, spread, every repetition).");
      ImGui::SameLine();
    }
  }
  ImGui::NewLine();
  ImGui::PopID();
}

void flowNextItem(float width) {
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetItemRectMax().x + gap;
  const float limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right + width <= limit) ImGui::SameLine();
}

void sectionHeading(const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

std::string formatSeconds(double s) {
  char buf[48];
  if (s < 0) return "?";
  if (s < 1e-6) std::snprintf(buf, sizeof buf, "%.0f ns", s * 1e9);
  else if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.0f us", s * 1e6);
  else if (s < 0.01) std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  else if (s < 1) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1e3);
  else if (s < 60) std::snprintf(buf, sizeof buf, "%.1f s", s);
  else std::snprintf(buf, sizeof buf, "%d min %02d s", int(s) / 60, int(s) % 60);
  return buf;
}

namespace {

// The control column's width: from the text size (its labels and sliders
// need about 15 em) and at most a third of the window, so the views keep the
// larger part on a projector.
float controlsWidth(float fs, float windowW) {
  return std::clamp(fs * 15.0f, std::min(250.0f, windowW * 0.33f), windowW * 0.34f);
}

// With the panel hidden, the view row starts with >> (show it) and Display.
void drawViewRowButtons(UiState& state) {
  if (state.panelShown) return;
  if (ImGui::Button(">>")) state.panelShown = true;
  layout::recordItem("show_panel");
  tooltip("Show the control panel (F9): kernels, parameters, Run and Cancel.");
  ImGui::SameLine();
  drawDisplayButton(state);
  ImGui::SameLine();
}

}  // namespace

float displayButtonWidth() { return ImGui::CalcTextSize("Display").x + ImGui::GetStyle().FramePadding.x * 2; }

void drawDisplayButton(UiState& state) {
  if (ImGui::Button("Display")) ImGui::OpenPopup("##display");
  layout::recordItem("Display");
  tooltip("Theme, text size and fullscreen (F11).");
  if (ImGui::BeginPopup("##display")) {
    drawDisplayOptions(state);
    ImGui::EndPopup();
  }
}

void drawMainWindow(UiState& state, const Snapshot& snap, const ProgressView& progress) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Lecture mode's band sits above the main window (lecture_mode.hpp).
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + state.topReserved));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - state.topReserved));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  // No background: the frame loop clears to WindowBg, and a software
  // rasterizer pays for every full-window fill.
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                 ImGuiWindowFlags_NoBackground;
  ImGui::Begin("##main", nullptr, flags);
  ImGui::PopStyleVar(3);

  const float fs = ImGui::GetFontSize();
  const float statusPadY = fs * 0.3f;
  const float statusH = ImGui::GetFrameHeight() + statusPadY * 2;

  if (state.panelShown) {
    // The control column has its own background so it reads as a panel, and
    // tighter rows than the views: its parameters and Run fit a 720 px
    // projector at 28 px text without scrolling.
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_MenuBarBg));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.5f, fs * 0.4f));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(fs * 0.35f, fs * 0.16f));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(fs * 0.4f, fs * 0.22f));
    ImGui::BeginChild("##controls", ImVec2(controlsWidth(fs, vp->WorkSize.x), -statusH), false,
                      ImGuiWindowFlags_AlwaysUseWindowPadding);
    drawControlsPanel(state, snap, progress);
    ImGui::EndChild();
    ImGui::PopStyleVar(3);
    ImGui::PopStyleColor();
    ImGui::SameLine(0, 0);
  }

  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.6f, fs * 0.4f));
  ImGui::BeginChild("##views", ImVec2(0, -statusH), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  drawViewRowButtons(state);
  struct Tab {
    View view;
    const char* label;
    const char* tip;
  };
  static const Tab tabs[] = {
      {View::Timings, "Timings", "Measured speed of the selected kernels: bars, speedup, sweeps."},
      {View::Cache, "Cache", "Simulated L1/L2/L3 on the exact access stream of the traced kernels."},
      {View::Roofline, "Roofline", "Peak FLOP/s and memory bandwidth of this machine, and where each kernel sits."},
      {View::Access, "Access", "Every load and store of traced kernels, animated on their buffers: which cache served it."},
      {View::Threads, "Threads", "Which thread computed which block of C in a real parallel run, and when."},
      {View::Memory, "Memory", "The memory hierarchy measured: latency ladder, memory mountain, row vs column, bandwidth per level."},
      {View::Leaderboard, "Leaderboard", "The competition's ranking: the submissions in the leaderboard database."},
      {View::Dispatch, "Dispatch", "Who wins where: the fastest kernel per size, threads and density, from the table `cachescope tune` measured."},
  };
  const char* lectureTip =
      "Lecture mode: the shipped lecture step by step, the class predicts before each result is revealed "
      "(Right/Left step, R reveal, B blank, F fullscreen).";
  auto drawView = [&](View v) {
    ImGui::BeginChild("##view", ImVec2(0, 0), false);
    switch (v) {
      case View::Timings: drawTimingsView(state, snap); break;
      case View::Cache: drawCacheView(state, snap, progress); break;
      case View::Roofline: drawRooflineView(state, snap); break;
      case View::Access: drawAccessView(state, snap, progress); break;
      case View::Threads: drawThreadsView(state, snap, progress); break;
      case View::Memory: drawMemoryView(state, snap, progress); break;
      case View::Leaderboard: drawLeaderboardView(state, snap); break;
      case View::Dispatch: drawDispatchView(state, snap); break;
    }
    ImGui::EndChild();
  };
  // Tabs when every label fits whole in one row; otherwise (28 px in a
  // 1280x720 window beside the panel) the same choices as buttons that wrap
  // to a second row, so no view's name is ever shortened to "Timi...".
  const ImGuiStyle& st = ImGui::GetStyle();
  float tabsW = 0;
  for (const Tab& t : tabs) tabsW += ImGui::CalcTextSize(t.label).x + st.FramePadding.x * 2 + st.ItemInnerSpacing.x;
  if (!state.lectureActive) tabsW += ImGui::CalcTextSize("Lecture").x + st.FramePadding.x * 2 + st.ItemInnerSpacing.x;
  if (tabsW <= ImGui::GetContentRegionAvail().x) {
    if (ImGui::BeginTabBar("##viewtabs")) {
      for (const Tab& t : tabs) {
        ImGuiTabItemFlags tf = 0;
        if (state.viewChangedByProgram && state.view == t.view) tf |= ImGuiTabItemFlags_SetSelected;
        const bool open = ImGui::BeginTabItem(t.label, nullptr, tf);
        tooltip(t.tip);
        if (open) {
          if (!state.viewChangedByProgram) state.view = t.view;
          drawView(t.view);
          ImGui::EndTabItem();
        }
      }
      state.viewChangedByProgram = false;
      if (!state.lectureActive) {
        if (ImGui::TabItemButton("Lecture", ImGuiTabItemFlags_Trailing)) state.actions.lecture = true;
        layout::recordItem("Lecture");
        tooltip(lectureTip);
      }
      ImGui::EndTabBar();
    }
  } else {
    // Too narrow for every tab: one row still, the views in a list whose
    // entries (and the chosen one) are shown whole.
    const char* current = "";
    for (const Tab& t : tabs)
      if (t.view == state.view) current = t.label;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("View");
    ImGui::SameLine();
    float listW = 0;
    for (const Tab& t : tabs) listW = std::max(listW, ImGui::CalcTextSize(t.label).x);
    ImGui::SetNextItemWidth(listW + st.FramePadding.x * 2 + ImGui::GetFrameHeight() + st.ItemInnerSpacing.x);
    if (ImGui::BeginCombo("##viewlist", current)) {
      for (const Tab& t : tabs) {
        if (ImGui::Selectable(t.label, t.view == state.view)) state.view = t.view;
        tooltip(t.tip);
      }
      ImGui::EndCombo();
    }
    layout::recordItem("views");
    tooltip("The views (tabs when the window is wide enough for all of them).");
    if (!state.lectureActive) {
      ImGui::SameLine();
      if (ImGui::Button("Lecture")) state.actions.lecture = true;
      layout::recordItem("Lecture");
      tooltip(lectureTip);
    }
    state.viewChangedByProgram = false;
    drawView(state.view);
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();

  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_TitleBgActive));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.6f, statusPadY));
  ImGui::BeginChild("##status", ImVec2(0, 0), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar |
                        ImGuiWindowFlags_NoScrollWithMouse);
  drawStatusBar(state, snap, progress);
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
  ImGui::End();
}

}  // namespace cachescope::app
