#include "app/predict.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "app/layout_record.hpp"
#include "app/panels.hpp"
#include "kernels/registry.hpp"
#include "plot/layout.hpp"
#include "report/writers.hpp"

namespace cachescope::app {

namespace {

std::string optionLabel(const std::string& id) {
  const Kernel* k = findKernel(id);
  return k && !k->info.title.empty() ? k->info.title : id;
}

}  // namespace

void drawGuessEntry(const LectureQuestion& q, Guess& g, bool tally, float width) {
  const float fs = ImGui::GetFontSize();
  if (q.kind == QuestionKind::Choice) {
    if (g.hands.size() != q.options.size()) g.hands.assign(q.options.size(), 0);
    ImGui::TextDisabled("%s", tally ? "Click the class's answer, or count hands per option:" : "Click your guess:");
    // A kernel option reads as the kernel's title ("Loop reordering (ikj)"),
    // what the caption talks about, not its id.
    std::vector<std::string> labels;
    float labelW = 0;
    for (const std::string& o : q.options) {
      labels.push_back(optionLabel(o));
      labelW = std::max(labelW, ImGui::CalcTextSize(labels.back().c_str()).x);
    }
    labelW = std::min(labelW + fs, std::max(fs * 6, width - (tally ? ImGui::CalcTextSize("- 99 hands +").x + fs * 2 : 0)));
    for (std::size_t i = 0; i < q.options.size(); ++i) {
      ImGui::PushID(int(i));
      if (!tally) {
        // Alone: one radio button per option.
        if (ImGui::RadioButton(labels[i].c_str(), g.picked == int(i))) g.picked = int(i);
        layout::recordItem("guess_option_" + std::to_string(i + 1));
        ImGui::PopID();
        continue;
      }
      if (ImGui::Selectable(labels[i].c_str(), g.picked == int(i), 0, ImVec2(labelW, 0)))
        g.picked = g.picked == int(i) ? -1 : int(i);
      {
        ImGui::SameLine();
        if (ImGui::SmallButton("-")) g.hands[i] = std::max(0, g.hands[i] - 1);
        ImGui::SameLine();
        ImGui::Text("%d hands", g.hands[i]);
        ImGui::SameLine();
        if (ImGui::SmallButton("+")) ++g.hands[i];
      }
      ImGui::PopID();
    }
  } else if (q.kind == QuestionKind::Number) {
    ImGui::TextDisabled("%s", tally ? "The class's guess:" : "Your guess:");
    ImGui::SetNextItemWidth(std::min(width, fs * 30));
    float v = float(g.number);
    if (ImGui::SliderFloat("##guess", &v, float(q.min), float(q.max), "%.2g times")) g.number = double(v);
    layout::recordItem("guess_number");
  } else if (q.kind == QuestionKind::Knee) {
    if (g.bytes > 0) ImGui::TextDisabled("Guess placed at %s (click again to move it).", bytesText(g.bytes).c_str());
    else if (tally) ImGui::TextDisabled("Click on the plot where the class puts the step.");
  }
}

double clickedDataX(const plot::Plot& p, ImVec2 p0, ImVec2 size) {
  if (!ImGui::IsItemClicked(ImGuiMouseButton_Left)) return -1;
  const plot::Frame f = plot::layoutPlot(p, size.x, size.y, ImGui::GetFontSize(), imguiTextWidth());
  const ImVec2 m = ImGui::GetIO().MousePos;
  const float x = m.x - p0.x, y = m.y - p0.y;
  if (!f.area.contains(x, y)) return -1;
  return f.dataX(x);
}

void drawKneePicker(const char* id, Guess& g, double loBytes, double hiBytes, ImVec2 size, const PlotTheme& theme) {
  plot::Plot p;
  // No title: the question above or beside it asks; the room goes to the canvas.
  p.x.label = "working set (bytes)";
  p.x.scale = plot::Scale::Log2;
  p.x.min = loBytes;
  p.x.max = hiBytes;
  p.y.label = "ns per load";
  p.y.scale = plot::Scale::Log10;
  p.y.min = 0.5;
  p.y.max = 200;
  if (g.bytes > 0) p.markers.push_back({g.bytes, "guess " + bytesText(g.bytes), guessMarkerColor()});
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 min = plotMinimumSize(p, size.x);
  size.x = std::max(size.x, min.x);
  size.y = std::max(size.y, min.y);
  drawPlot(p, id, size, theme);
  layout::recordItem("knee_picker");
  const double x = clickedDataX(p, p0, size);
  if (x > 0) {
    // A quarter octave is finer than any level boundary the class will name.
    double b = std::exp2(std::round(std::log2(x) * 4) / 4);
    b = b >= 1024 ? std::round(b / 1024) * 1024 : std::round(b);
    g.bytes = std::clamp(b, double(kKneeMinBytes), double(kKneeMaxBytes));
  }
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
}

bool drawCommitButton(const LectureQuestion& q, Guess& g) {
  const bool can = guessEntered(q, g);
  ImGui::BeginDisabled(!can);
  const bool pressed = ImGui::Button("Commit guess");
  ImGui::EndDisabled();
  layout::recordItem("commit_guess");
  tooltip(can ? "Lock the guess in and show the measurement beside it."
              : q.kind == QuestionKind::Knee ? "Click on the plot first: where does the latency step up?"
                                             : "Pick an option first.");
  if (pressed) g.committed = true;
  return pressed;
}

bool drawVerdict(const LectureQuestion& q, const Guess& g, const Answer& a, bool again) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_PlotHistogram));
  ImGui::PushTextWrapPos(0.0f);
  const std::string v = verdictText(q, g, a);
  ImGui::TextUnformatted((char(std::toupper(static_cast<unsigned char>(v[0]))) + v.substr(1)).c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  layout::recordItem("verdict");
  if (!again) return false;
  const bool pressed = ImGui::SmallButton("Guess again");
  layout::recordItem("guess_again");
  tooltip("Hide the result and make a new guess.");
  return pressed;
}

}  // namespace cachescope::app
