// Handing out many small pieces of work to the threads of the caller's
// task arena, so that no thread's share is fixed before it starts.
//
//   shareOut(threads, items, [&](int item, int slot) { ... });
//
// calls the body once for every item in 0 .. items-1, on at most `threads`
// threads, each taking the next item from one shared counter until none is
// left. A thread that wakes late simply takes fewer items: the run never
// waits for it with work in hand (a fixed split into `threads` chunks does:
// one late worker and the other thread computes both chunks). `slot` is the
// running thread's slot in the arena (0 .. threads-1), for its own buffers.
// The cancel flag is read before every item; Cancelled thrown by one thread
// cancels the parallel_for and reaches the caller, the others stop at their
// next item. One thread: a plain loop, no oneTBB at all.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>

#include "platform/cancel.hpp"

namespace cachescope {

template <class Body>
void shareOut(int threads, int items, Body&& body) {
  if (items <= 0) return;
  const int workers = std::max(1, std::min(threads, items));
  if (workers == 1) {
    const int slot = std::max(0, tbb::this_task_arena::current_thread_index());
    for (int item = 0; item < items; ++item) {
      throwIfCancelled();
      body(item, slot);
    }
    return;
  }
  std::atomic<int> next{0};
  tbb::parallel_for(
      tbb::blocked_range<int>(0, workers, 1),
      [&](const tbb::blocked_range<int>&) {
        const int slot = tbb::this_task_arena::current_thread_index();
        for (int item = next.fetch_add(1, std::memory_order_relaxed); item < items;
             item = next.fetch_add(1, std::memory_order_relaxed)) {
          throwIfCancelled();
          body(item, slot);
        }
      },
      tbb::simple_partitioner());
}

}  // namespace cachescope
