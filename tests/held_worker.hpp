// Keeps one oneTBB worker busy in an arena of its own, so that another
// arena cannot get it: the way a test makes a worker late on purpose.
//
//   tbb::global_control one(tbb::global_control::max_allowed_parallelism, 2);
//   HeldWorker held;      // returns once the worker spins
//   REQUIRE(held.holding());
//   ...                   // the destructor lets it go and waits until it has
#pragma once

#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <thread>

class HeldWorker {
 public:
  explicit HeldWorker(std::chrono::seconds limit = std::chrono::seconds(20)) : arena_(2) {
    arena_.enqueue([this, limit] {
      spinning_ = true;
      const auto until = std::chrono::steady_clock::now() + limit;
      while (!release_ && std::chrono::steady_clock::now() < until) {
      }
      done_ = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!spinning_ && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  }
  ~HeldWorker() {
    release_ = true;
    // The task refers to this object: wait until it has left (if it started).
    if (spinning_)
      while (!done_) std::this_thread::yield();
  }
  HeldWorker(const HeldWorker&) = delete;
  HeldWorker& operator=(const HeldWorker&) = delete;

  bool holding() const { return spinning_ && !done_; }
  void release() { release_ = true; }

 private:
  tbb::task_arena arena_;
  std::atomic<bool> spinning_{false}, release_{false}, done_{false};
};
