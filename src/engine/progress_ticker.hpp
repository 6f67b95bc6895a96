// Publishes a long call's progress while the worker thread is inside it.
// simulate(), the access recorder and the roofline measurement report
// progress through an atomic (or not at all); a helper thread calls `tick`
// every `period` until the ticker is destroyed, which also happens when the
// call throws, so the thread is always joined.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace cachescope::engine {

class ProgressTicker {
 public:
  explicit ProgressTicker(std::function<void()> tick,
                          std::chrono::milliseconds period = std::chrono::milliseconds(30))
      : thread_([this, tick = std::move(tick), period] {
          while (!stop_.load()) {
            tick();
            std::this_thread::sleep_for(period);
          }
        }) {}
  ~ProgressTicker() {
    stop_ = true;
    thread_.join();
  }
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;

 private:
  std::atomic<bool> stop_{false};  // declared first: initialised before the thread starts
  std::thread thread_;
};

}  // namespace cachescope::engine
