// Progress of a long command on stderr (bench, simulate): what runs, how long
// it has run and how long it should still take.
//
// On a terminal (live) it is one line redrawn in place with '\r', refreshed
// by tick() (a ProgressTicker calls it a few times a second, so the elapsed
// time moves even inside a kernel run of a minute) and erased by finish().
// Elsewhere (a pipe, a log file) it writes one line per step (a bench job,
// a simulation) and none in between, so a log stays readable.
//
// The ETA extrapolates the fraction done: elapsed * (1 - f) / f at the last
// update, counting down between updates (a caller with its own model of the
// time left passes f = elapsed / (elapsed + left)); before any fraction is
// known it is the caller's own estimate (marked "~"). Counted down past zero
// it says "unknown (past the estimate)". Thread-safe: updates come from the
// command's thread, ticks from the ticker's.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

namespace cachescope::cli {

// "40 s", "3.5 min", "2.1 h", "4.0 days": the estimates are rough, so is this.
std::string durationWords(double seconds);

class ProgressLine {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  // `prefix` starts every line ("bench", "simulate"); `estimateS` is the
  // expected total before anything has run (nullopt: unknown).
  ProgressLine(std::ostream& os, std::string prefix, bool live, std::optional<double> estimateS = std::nullopt,
               Clock clock = {});

  // A new step (a job, a simulation): `label` names it ("[2/5] matmul.naive
  // n=1024"); a pipe gets one line for it.
  void step(const std::string& label, double fraction);
  // Progress within the current step: `detail` ("run 3/6", "37%"), fraction
  // of the whole command done in [0, 1].
  void update(const std::string& detail, double fraction);
  // Redraws the live line (elapsed time moves on); nothing for a pipe.
  void tick();
  // Erases the live line; a pipe gets "<prefix>: done in 12 s".
  void finish();

  double elapsed() const;
  // Seconds still to go as the line shows them; nullopt when unknown.
  std::optional<double> remaining() const;

 private:
  std::string lineText() const;  // without '\r'
  void draw();                   // live only; caller holds mutex_
  std::optional<double> remainingLocked() const;
  void setFraction(double fraction);  // caller holds mutex_

  std::ostream& os_;
  std::string prefix_;
  bool live_;
  std::optional<double> estimate_;
  Clock clock_;
  double start_ = 0;
  std::string label_, detail_;
  double fraction_ = 0;
  double fractionAt_ = 0;  // elapsed() when fraction_ was set
  std::size_t drawn_ = 0;  // width of the live line on screen
  bool finished_ = false;
  mutable std::mutex mutex_;
};

}  // namespace cachescope::cli
