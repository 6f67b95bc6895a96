// Lecture mode (issue 13) in the app: the presenter's band (step counter,
// progress strip, title and caption), the question screen that hides the
// results until revealed (the class's answer entered as a choice or a tally
// of hands, a slider, a click on an empty latency ladder: app/predict.hpp),
// the blank screen, and the keys (Right/PageDown, Left/PageUp, R, B, F, 1..9
// and 0; scripted runs also "guess=VALUE", as a click would set it).
//
// Each step's results are measured on the app's worker; once the shown step
// is complete the next step's requests are posted (prefetch), and the
// results of each step are kept, so the display for a step is composed from
// its own kept results (displaySnapshot) even while the worker measures the
// next one. The time from a key press to the first frame that shows the
// step's data is logged (stderr in scripted runs, and --lecture-times CSV).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/ui_state.hpp"
#include "engine/lecture.hpp"
#include "engine/worker.hpp"

namespace cachescope::app {

class LectureMode {
 public:
  using Clock = std::chrono::steady_clock;

  // Loads the lecture at `path` ("" the shipped default); false and
  // state.notice set when it is refused (the message names step and field).
  bool open(const std::string& path, UiState& state);
  void close(UiState& state);
  bool active() const { return lecture_.has_value(); }

  // Scripted presenter: keys pressed one at a time, each once the shown step
  // and the prefetched one are measured ("right,r,left,3,b").
  void setScript(const std::vector<std::string>& keys) { script_ = keys; }
  bool scriptDone() const { return script_.empty(); }
  void setTimesPath(const std::string& path) { timesPath_ = path; }

  // Once per frame, before the views are drawn: keys, applying a new step,
  // harvesting finished results, posting the next step's (prefetch).
  void update(UiState& state, Worker& worker, const Snapshot& live);
  // The snapshot the views draw for the shown step.
  std::shared_ptr<const Snapshot> displaySnapshot(const std::shared_ptr<const Snapshot>& live);
  // Height the band takes at the top (the main window starts below it).
  float bandHeight() const { return active() ? bandH_ : 0.0f; }
  // The band, the question screen and the blank screen (after the main window).
  void draw(UiState& state);
  // After the frame is drawn: logs the step-to-display latency when this
  // frame first showed the step's data.
  void frameDrawn();
  // Writes --lecture-times (step,ms,prefetched) on exit.
  void writeTimes() const;

 private:
  struct StepData {
    std::uint64_t timingId = 0, sweepId = 0, probeId = 0, rooflineId = 0;
    bool posted = false;
    int attempts = 0;  // posts so far: a step that keeps failing is not posted forever
    std::optional<TimingRun> timing;
    std::optional<SweepRun> sweep;
    std::shared_ptr<const ProbeRuns> probes;
    bool probeDone = false;
    bool complete() const;
    bool needsTiming = true, needsSweep = false, needsProbe = false;  // a Memory step times no kernel
    std::optional<RooflineRun> roofline;
    bool needsRoofline = false;
  };

  void go(int step, UiState& state);
  void apply(UiState& state);
  void post(int step, UiState& state, Worker& worker);
  void harvest(const Snapshot& live);
  void key(const std::string& k, UiState& state);
  StepResults resultsOf(int step) const;

  std::optional<Lecture> lecture_;
  int current_ = 0;
  bool applied_ = false;
  bool revealed_ = false;
  bool blank_ = false;
  std::vector<StepData> data_;
  std::vector<Guess> answers_;  // the class's, per step (predict.hpp enters them)
  float bandH_ = 0;
  std::vector<std::string> script_;
  // Step-to-display latency.
  Clock::time_point keyAt_{};
  bool waitingDisplay_ = false, shownReady_ = false, prefetchedAtKey_ = false;
  struct TimeRow {
    int step;
    double ms;
    bool prefetched;
  };
  std::vector<TimeRow> times_;
  std::string timesPath_;
  std::uint64_t mergedFor_ = ~std::uint64_t(0);
  int mergedStep_ = -1;
  std::shared_ptr<const Snapshot> merged_;
};

}  // namespace cachescope::app
