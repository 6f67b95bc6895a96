// Auto-rerun after the user stops moving a slider. A slider drag changes the
// settings every frame; rerunning on each change would cancel and restart the
// benchmark sixty times a second. The debouncer fires once the settings have
// been still for `delay`. Time is passed in, so tests drive it with a fake
// clock.
#pragma once

#include <chrono>

namespace cachescope::app {

class Debouncer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Debouncer(Clock::duration delay) : delay_(delay) {}

  // The watched value changed at `now`.
  void touch(Clock::time_point now) {
    pending_ = true;
    last_ = now;
  }

  // True once per burst of changes, when `delay` has passed since the last one.
  bool fire(Clock::time_point now) {
    if (!pending_ || now - last_ < delay_) return false;
    pending_ = false;
    return true;
  }

  bool pending() const { return pending_; }
  void cancel() { pending_ = false; }
  Clock::duration delay() const { return delay_; }

 private:
  Clock::duration delay_;
  Clock::time_point last_{};
  bool pending_ = false;
};

}  // namespace cachescope::app
