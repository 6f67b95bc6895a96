// Cooperative cancellation inside long loops: a run installs its cancel flag
// with a CancelScope, and kernels (and other long loops) call
// throwIfCancelled() between chunks of work, so a stop takes effect within
// one chunk, not at the end of a kernel run of a minute.
//
// The flag is process-wide, not thread-local, so that oneTBB's worker
// threads see it too; the one who runs a job (the bench runner, the GUI
// worker) owns it for that job. Scopes nest: the inner one wins and the outer
// flag is restored. throwIfCancelled() throws Cancelled (outcome.hpp), which
// the owner of the loop catches and reports as Outcome::Cancelled; a
// tbb::parallel_for carries it to its caller.
#pragma once

#include <atomic>

#include "platform/outcome.hpp"

namespace cachescope {

namespace detail {
inline std::atomic<const std::atomic<bool>*> gCancelFlag{nullptr};
}

class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* flag) : previous_(detail::gCancelFlag.exchange(flag)) {}
  ~CancelScope() { detail::gCancelFlag.store(previous_); }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// Cheap (two relaxed loads): call it once per row, tile or chunk.
inline bool cancelRequested() noexcept {
  const std::atomic<bool>* flag = detail::gCancelFlag.load(std::memory_order_relaxed);
  return flag && flag->load(std::memory_order_relaxed);
}

inline void throwIfCancelled() {
  if (cancelRequested()) throw Cancelled{};
}

}  // namespace cachescope
