#include "app/lecture_mode.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "app/layout_record.hpp"
#include "app/panels.hpp"
#include "app/predict.hpp"
#include "kernels/registry.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"
#include "report/writers.hpp"

namespace cachescope::app {

namespace {

bool sameSettings(const RunSettings& a, const RunSettings& b) { return a == b; }

Request stepProbeRequest(const LectureStep& s) {
  Request r;
  r.kind = RequestKind::Probe;
  r.settings = s.launch.settings;
  const MemoryLaunch& m = s.launch.memory;
  r.probe.kind = m.probe;
  r.probe.maxBytes = m.maxBytes;
  r.probe.threads = m.threads > 0 ? m.threads : 1;
  r.probe.simulate = m.simulate == 1;
  if (!m.prefetch.empty()) r.probe.prefetch = m.prefetch;
  return r;
}

const ProbeRunInfo& infoOf(const ProbeRuns& p, ProbeKind k) {
  switch (k) {
    case ProbeKind::Latency: return p.latencyInfo;
    case ProbeKind::Mountain: return p.mountainInfo;
    case ProbeKind::Traversal: return p.traversalInfo;
    case ProbeKind::Bandwidth: return p.bandwidthInfo;
  }
  return p.latencyInfo;
}

std::string numberText(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

bool LectureMode::StepData::complete() const {
  return (!needsTiming || timing.has_value()) && (!needsSweep || sweep.has_value()) && (!needsProbe || probeDone);
}

bool LectureMode::open(const std::string& path, UiState& state) {
  try {
    const std::string p = path.empty() ? defaultLecturePath() : path;
    if (p.empty()) throw FileError("the shipped assets/lectures/default.json was not found");
    lecture_ = loadLecture(p);
  } catch (const std::exception& e) {
    state.notice = std::string("lecture refused: ") + e.what();
    lecture_.reset();
    return false;
  }
  data_.assign(lecture_->steps.size(), StepData{});
  answers_.clear();
  for (std::size_t i = 0; i < lecture_->steps.size(); ++i) {
    const LectureStep& s = lecture_->steps[i];
    data_[i].needsSweep = s.launch.sweep != SweepAxis::None;
    data_[i].needsProbe = s.launch.view == View::Memory;
    // A Leaderboard step shows the class's database: it times nothing.
    data_[i].needsTiming = s.launch.view != View::Memory && s.launch.view != View::Leaderboard;
    answers_.push_back(initialGuess(s.question));
  }
  state.lectureActive = true;
  go(0, state);
  return true;
}

void LectureMode::close(UiState& state) {
  lecture_.reset();
  state.lectureActive = false;
  state.memory.lectureKneeGuess = nullptr;
  state.topReserved = 0;
  state.panelShown = true;
  blank_ = false;
}

void LectureMode::go(int step, UiState& /*state*/) {
  if (!lecture_) return;
  step = std::clamp(step, 0, int(lecture_->steps.size()) - 1);
  if (step == current_ && applied_) return;
  current_ = step;
  applied_ = false;
  revealed_ = false;
  keyAt_ = Clock::now();
  waitingDisplay_ = true;
  prefetchedAtKey_ = data_[std::size_t(step)].complete();
}

void LectureMode::apply(UiState& state) {
  const LectureStep& s = lecture_->steps[std::size_t(current_)];
  const LaunchOptions& o = s.launch;
  state.settings = o.settings;
  state.lastSeen = state.settings;  // the lecture posts the step's runs itself
  state.debounce.cancel();
  state.view = o.view;
  state.viewChangedByProgram = true;
  state.panelShown = false;
  if (o.sweep != SweepAxis::None) state.sweepAxis = o.sweep;
  MemoryViewState& m = state.memory;
  m.shown = o.memory.probe;
  m.shownByProgram = true;
  m.maxBytes = o.memory.maxBytes;
  if (o.memory.threads > 0) m.threads = o.memory.threads;
  if (o.memory.simulate >= 0) m.simulate = o.memory.simulate == 1;
  if (!o.memory.prefetch.empty()) m.prefetch = o.memory.prefetch;
  if (o.view == View::Memory) m.requested[int(o.memory.probe)] = true;  // posted with the step
  const AnimationLaunch& anim = o.animation;
  state.access.caches = anim.caches;
  state.access.kernels = anim.kernels;
  state.access.l1 = anim.l1;
  state.access.pendingStep = anim.step;
  state.access.pendingPlay = anim.play == 1;
  if (anim.speed > 0) state.access.speed = anim.speed;
  if (anim.loop >= 0) state.access.loop = anim.loop == 1;
  if (o.view == View::Cache) state.actions.simulate = true;
  applied_ = true;
}

void LectureMode::post(int step, UiState& /*state*/, Worker& worker) {
  const LectureStep& s = lecture_->steps[std::size_t(step)];
  StepData& d = data_[std::size_t(step)];
  if (d.needsTiming) {
    Request t;
    t.kind = RequestKind::Timing;
    t.settings = s.launch.settings;
    d.timingId = worker.post(t);
  }
  if (d.needsSweep) {
    Request r;
    r.kind = RequestKind::Sweep;
    r.settings = s.launch.settings;
    r.axis = s.launch.sweep;
    d.sweepId = worker.post(r);
  }
  if (d.needsProbe) d.probeId = worker.post(stepProbeRequest(s));
  d.posted = true;
  ++d.attempts;
}

void LectureMode::harvest(const Snapshot& live) {
  for (StepData& d : data_) {
    if (!d.posted) continue;
    if (!d.timing && live.timing && live.timing->request == d.timingId && live.timing->complete) d.timing = live.timing;
    if (d.needsSweep && !d.sweep && live.sweep && live.sweep->request == d.sweepId && live.sweep->complete)
      d.sweep = live.sweep;
    if (d.needsProbe && !d.probeDone && live.probes) {
      for (ProbeKind k : {ProbeKind::Latency, ProbeKind::Mountain, ProbeKind::Traversal, ProbeKind::Bandwidth})
        if (infoOf(*live.probes, k).request == d.probeId) {
          d.probes = live.probes;
          d.probeDone = true;
        }
    }
  }
}

void LectureMode::key(const std::string& k, UiState& state) {
  if (k == "right" || k == "next") go(current_ + 1, state);
  else if (k == "left" || k == "prev") go(current_ - 1, state);
  else if (k == "r") revealed_ = !revealed_;
  else if (k == "b") blank_ = !blank_;
  else if (k == "f") state.actions.toggleFullscreen = true;
  else if (k.size() == 1 && k[0] >= '0' && k[0] <= '9') go(k[0] == '0' ? 9 : k[0] - '1', state);
  else if (k.rfind("guess=", 0) == 0) {
    // A scripted click: the class's answer to the shown step's question.
    try {
      parseGuess(lecture_->steps[std::size_t(current_)].question, k.substr(6), answers_[std::size_t(current_)],
                 "--keys " + k);
    } catch (const std::exception& e) {
      state.notice = e.what();
      std::cerr << "cachescope: " << e.what() << '\n';
    }
  }
}

void LectureMode::update(UiState& state, Worker& worker, const Snapshot& live) {
  if (!lecture_) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.WantTextInput) {
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT) || ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN)) key("right", state);
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT) || ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP)) key("left", state);
    if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) key("r", state);
    if (ImGui::IsKeyPressed(GLFW_KEY_B, false)) key("b", state);
    if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) key("f", state);
    for (int i = 0; i <= 9; ++i)
      if (ImGui::IsKeyPressed(GLFW_KEY_0 + i, false)) key(std::string(1, char('0' + i)), state);
  }
  harvest(live);
  if (!applied_) apply(state);
  // A revealed knee question: the Memory view marks the knees and the guess.
  const LectureQuestion& shownQ = lecture_->steps[std::size_t(current_)].question;
  state.memory.lectureKneeGuess =
      revealed_ && shownQ.kind == QuestionKind::Knee ? &answers_[std::size_t(current_)] : nullptr;

  // One step's requests in flight at a time: the shown one first, then the
  // next one (prefetch) once the shown one is complete.
  StepData& cur = data_[std::size_t(current_)];
  const bool idle = worker.idle();
  if (idle)
    for (StepData& d : data_)
      if (d.posted && !d.complete() && d.attempts < 3) d.posted = false;  // cancelled by a newer request: post again
  if (!cur.complete() && !cur.posted) post(current_, state, worker);
  else if (cur.complete() && idle) {
    const int next = current_ + 1;
    if (next < int(data_.size()) && !data_[std::size_t(next)].posted && !data_[std::size_t(next)].complete())
      post(next, state, worker);
  }

  // The scripted presenter presses its next key once this step and the next are measured.
  if (!script_.empty() && cur.complete() && !waitingDisplay_ && idle) {
    const int next = current_ + 1;
    if (next >= int(data_.size()) || data_[std::size_t(next)].complete()) {
      const std::string k = script_.front();
      script_.erase(script_.begin());
      key(k, state);
      if (!applied_) apply(state);
    }
  }
}

std::shared_ptr<const Snapshot> LectureMode::displaySnapshot(const std::shared_ptr<const Snapshot>& live) {
  if (!lecture_) return live;
  const StepData& d = data_[std::size_t(current_)];
  const RunSettings& s = lecture_->steps[std::size_t(current_)].launch.settings;
  const bool timingLive = !d.needsTiming || (live->timing && sameSettings(live->timing->settings, s));
  const bool sweepLive = !d.needsSweep || (live->sweep && sameSettings(live->sweep->settings, s));
  const bool probesLive = !d.needsProbe || (live->probes && d.probeDone && live->probes == d.probes);
  if ((timingLive || !d.timing) && (sweepLive || !d.sweep) && (probesLive || !d.probes)) return live;
  if (merged_ && mergedFor_ == live->version && mergedStep_ == current_) return merged_;
  auto m = std::make_shared<Snapshot>(*live);
  if (!timingLive && d.timing) {
    m->timing = d.timing;
    m->preview.reset();
  }
  if (!sweepLive && d.sweep) m->sweep = d.sweep;
  if (!probesLive && d.probes) m->probes = d.probes;
  merged_ = m;
  mergedFor_ = live->version;
  mergedStep_ = current_;
  return merged_;
}

StepResults LectureMode::resultsOf(int step) const {
  StepResults r;
  const StepData& d = data_[std::size_t(step)];
  if (d.timing) r.records = d.timing->records;
  if (d.probes) {
    const ProbeKind k = lecture_->steps[std::size_t(step)].launch.memory.probe;
    if (k == ProbeKind::Latency) r.latency = d.probes->latency;
    if (k == ProbeKind::Traversal) r.traversal = d.probes->traversal;
  }
  return r;
}

void LectureMode::draw(UiState& state) {
  if (!lecture_) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  const LectureStep& s = lecture_->steps[std::size_t(current_)];
  const int count = int(lecture_->steps.size());
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;

  if (blank_) {
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::Begin("##lectureblank", nullptr, fixed);
    layout::recordItem("lecture_blank");
    ImGui::End();
    return;
  }

  // The band: counter, progress strip, buttons; title; caption; answers.
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSizeConstraints(ImVec2(vp->WorkSize.x, 0), ImVec2(vp->WorkSize.x, vp->WorkSize.y * 0.55f));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::GetStyleColorVec4(ImGuiCol_MenuBarBg));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 0.6f, fs * 0.35f));
  ImGui::Begin("##lectureband", nullptr, fixed | ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("Step %d of %d", current_ + 1, count);
  layout::recordItem("lecture_counter");
  ImGui::SameLine();
  // The progress strip: one cell per step; done, ready (measured), shown.
  const float stripW = std::min(fs * 1.2f * float(count), vp->WorkSize.x * 0.3f);
  const float cellW = stripW / float(count), cellH = fs * 0.7f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float y0 = p0.y + (ImGui::GetTextLineHeight() - cellH) * 0.5f;
  for (int i = 0; i < count; ++i) {
    const ImVec2 a(p0.x + cellW * float(i) + 1, y0), b(p0.x + cellW * float(i + 1) - 1, y0 + cellH);
    const ImU32 col = i == current_  ? ImGui::GetColorU32(ImGuiCol_PlotHistogram)
                      : i < current_ ? ImGui::GetColorU32(ImGuiCol_ButtonActive)
                                     : ImGui::GetColorU32(ImGuiCol_FrameBg);
    dl->AddRectFilled(a, b, col);
    if (data_[std::size_t(i)].complete()) dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Text));
  }
  ImGui::Dummy(ImVec2(stripW, ImGui::GetTextLineHeight()));
  layout::recordItem("lecture_progress");
  if (ImGui::IsItemHovered()) {
    const float x = ImGui::GetIO().MousePos.x - p0.x;
    const int i = std::clamp(int(x / cellW), 0, count - 1);
    ImGui::SetTooltip("%d. %s", i + 1, lecture_->steps[std::size_t(i)].title.c_str());
    if (ImGui::IsMouseClicked(0)) go(i, state);
  }
  // Buttons on the right.
  const ImGuiStyle& st = ImGui::GetStyle();
  auto bw = [&](const char* t) { return ImGui::CalcTextSize(t).x + st.FramePadding.x * 2; };
  const bool hasQ = s.question.kind != QuestionKind::None;
  const char* revealLabel = revealed_ ? "Hide (R)" : "Reveal (R)";
  const float buttonsW = bw("<") + bw(">") + (hasQ ? bw(revealLabel) + st.ItemSpacing.x : 0) + bw("End lecture") +
                         st.ItemSpacing.x * 3;
  const float right = ImGui::GetWindowContentRegionMax().x;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX() + st.ItemSpacing.x, right - buttonsW));
  if (ImGui::Button("<")) go(current_ - 1, state);
  layout::recordItem("lecture_prev");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Previous step (Left, PageUp)");
  ImGui::SameLine();
  if (ImGui::Button(">")) go(current_ + 1, state);
  layout::recordItem("lecture_next");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next step (Right, PageDown); 1..9, 0 jump; B blank; F fullscreen");
  if (hasQ) {
    ImGui::SameLine();
    if (ImGui::Button(revealLabel)) revealed_ = !revealed_;
    layout::recordItem("lecture_reveal");
  }
  ImGui::SameLine();
  if (ImGui::Button("End lecture")) state.actions.lecture = true;
  layout::recordItem("lecture_end");

  ImGui::SetWindowFontScale(1.3f);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.title.c_str());
  layout::recordItem("lecture_title");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::TextUnformatted(s.caption.c_str());
  layout::recordItem("lecture_caption");
  if (hasQ && revealed_) {
    const Answer a = computeAnswer(s.question, resultsOf(current_));
    // The question was on screen until now: the answers only, to leave the view its room.
    ImGui::TextUnformatted(("Class: " + guessText(s.question, answers_[std::size_t(current_)])).c_str());
    ImGui::SameLine(0, fs * 1.5f);
    const std::string measured = "Measured: " + (a.ready ? a.text : "not yet (" + a.why + ")");
    ImGui::TextUnformatted(measured.c_str());
    layout::recordItem("lecture_answer");
    // How far off the class was: "4.5x too small", "right".
    const std::string off = guessOffText(s.question, answers_[std::size_t(current_)], a);
    if (!off.empty()) {
      ImGui::SameLine(0, fs * 1.5f);
      ImGui::TextUnformatted(("(" + off + ")").c_str());
    }
  }
  ImGui::PopTextWrapPos();
  bandH_ = ImGui::GetWindowHeight();
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();

  // The question screen: covers the results until revealed.
  if (!hasQ || revealed_) return;
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + bandH_));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - bandH_));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(fs * 1.5f, fs * 1.0f));
  ImGui::Begin("##lecturequestion", nullptr, fixed);
  ImGui::SetWindowFontScale(1.2f);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.question.text.c_str());
  ImGui::PopTextWrapPos();
  layout::recordItem("lecture_question");
  ImGui::SetWindowFontScale(1.0f);
  ImGui::Spacing();
  Guess& ca = answers_[std::size_t(current_)];
  const LectureQuestion& q = s.question;
  const float entryW = std::min(vp->WorkSize.x - fs * 3, fs * 40);
  drawGuessEntry(q, ca, true, entryW);
  if (q.kind == QuestionKind::Knee) {
    // An empty ladder over the range the step measures: the presenter clicks
    // where the class puts the step.
    const StepData& sd = data_[std::size_t(current_)];
    double lo = 1024, hi = double(s.launch.memory.maxBytes);
    if (hi <= 0) {
      const CacheInfo* l2 = host().cache(2);
      hi = double(quickMaxBytes(l2 ? l2->sizeBytes : 0));
    }
    if (sd.probes && sd.probes->latency)
      for (const probe::LatencySeries& ls : sd.probes->latency->series)
        for (const probe::LatencyPoint& pt : ls.points) hi = std::max(hi, double(pt.bytes));
    const ImVec2 room = ImGui::GetContentRegionAvail();
    const float h = std::max(fs * 10, room.y - ImGui::GetTextLineHeightWithSpacing() * 2);
    drawKneePicker("##lectureknee", ca, lo, hi, ImVec2(std::min(room.x, fs * 50), h), plotTheme(state));
  }
  layout::recordItem("lecture_entry");
  ImGui::Spacing();
  const StepData& d = data_[std::size_t(current_)];
  ImGui::TextDisabled("%s", d.complete() ? "Measured on this machine; press R to reveal."
                                         : "Measuring on this machine...");
  ImGui::End();
  ImGui::PopStyleVar();
}

void LectureMode::frameDrawn() {
  if (!lecture_ || !waitingDisplay_ || !applied_) return;
  if (!data_[std::size_t(current_)].complete()) return;
  waitingDisplay_ = false;
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - keyAt_).count();
  times_.push_back({current_ + 1, ms, prefetchedAtKey_});
  std::cerr << "cachescope: lecture step " << current_ + 1 << " shown with its data " << int(ms + 0.5)
            << " ms after the key (" << (prefetchedAtKey_ ? "prefetched" : "measured after the key") << ")\n";
}

void LectureMode::writeTimes() const {
  if (timesPath_.empty()) return;
  std::string csv = "step,ms,prefetched\n";
  for (const TimeRow& r : times_)
    csv += std::to_string(r.step) + "," + numberText(r.ms, "%.1f") + "," + (r.prefetched ? "1" : "0") + "\n";
  writeFileAtomically(timesPath_, csv);
}

}  // namespace cachescope::app
