// Progress on stderr (progress_line.hpp).
#include "cli/progress_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace cachescope::cli {

std::string durationWords(double s) {
  char buf[48];
  if (!std::isfinite(s) || s < 0) s = 0;
  if (s < 10) std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 90) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 90 * 60) std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  else if (s < 48 * 3600) std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  else std::snprintf(buf, sizeof buf, "%.1f days", s / 86400);
  return buf;
}

namespace {
double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

ProgressLine::ProgressLine(std::ostream& os, std::string prefix, bool live, std::optional<double> estimateS,
                           Clock clock)
    : os_(os), prefix_(std::move(prefix)), live_(live), estimate_(estimateS),
      clock_(clock ? std::move(clock) : Clock(steadySeconds)) {
  start_ = clock_();
}

double ProgressLine::elapsed() const { return std::max(0.0, clock_() - start_); }

std::optional<double> ProgressLine::remainingLocked() const {
  const double now = elapsed();
  if (fraction_ > 0 && fractionAt_ > 0) {
    const double atUpdate = fractionAt_ * (1 - fraction_) / fraction_;
    return std::max(0.0, atUpdate - (now - fractionAt_));
  }
  if (estimate_) return std::max(0.0, *estimate_ - now);
  return std::nullopt;
}

std::optional<double> ProgressLine::remaining() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return remainingLocked();
}

std::string ProgressLine::lineText() const {
  std::string line = prefix_ + ": " + label_;
  if (!detail_.empty()) line += (label_.empty() ? "" : "  ") + detail_;
  line += "  elapsed " + durationWords(elapsed());
  const std::optional<double> left = remainingLocked();
  const bool guessed = !(fraction_ > 0 && fractionAt_ > 0);
  // Past the point it predicted, the ETA says so instead of "0 s".
  if (fraction_ >= 1) return line;  // all done but the wrapping up
  if (left && *left > 0) line += std::string(", ETA ") + (guessed ? "~" : "") + durationWords(*left);
  else if (left) line += ", ETA unknown (past the estimate)";
  return line;
}

void ProgressLine::draw() {
  if (!live_ || finished_ || (label_.empty() && detail_.empty())) return;
  const std::string line = lineText();
  // Pad over what the previous, longer line left on screen.
  const std::string pad(drawn_ > line.size() ? drawn_ - line.size() : 0, ' ');
  os_ << '\r' << line << pad << std::flush;
  drawn_ = line.size();
}

void ProgressLine::setFraction(double fraction) {
  // Not only upwards: a caller's model may find the rest slower than it thought.
  if (!(fraction > 0)) return;
  fraction_ = std::min(1.0, fraction);
  fractionAt_ = elapsed();
}

void ProgressLine::step(const std::string& label, double fraction) {
  std::lock_guard<std::mutex> lock(mutex_);
  label_ = label;
  detail_.clear();
  setFraction(fraction);
  if (live_) draw();
  else os_ << lineText() << '\n' << std::flush;
}

void ProgressLine::update(const std::string& detail, double fraction) {
  std::lock_guard<std::mutex> lock(mutex_);
  detail_ = detail;
  setFraction(fraction);
  draw();
}

void ProgressLine::tick() {
  std::lock_guard<std::mutex> lock(mutex_);
  draw();
}

void ProgressLine::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  if (live_) {
    if (drawn_ > 0) os_ << '\r' << std::string(drawn_, ' ') << '\r' << std::flush;
  } else {
    os_ << prefix_ << ": done in " << durationWords(elapsed()) << '\n' << std::flush;
  }
  finished_ = true;
}

}  // namespace cachescope::cli
