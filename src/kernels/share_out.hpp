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
// running thread's slot in the arena (0 .. threads-1), for its own buffers:
// call it inside an arena of exactly `threads` (inArenaOf below).
// The cancel flag is read before every item; Cancelled thrown by one thread
// cancels the parallel_for and reaches the caller, the others stop at their
// next item. One thread: a plain loop, no oneTBB at all.
//
// A late worker is also helped to start: a oneTBB worker woken from sleep
// can be placed on the caller's own CPU and wait there for the scheduler's
// tick (platform/cpu_nudge.hpp: 3.9 ms on a 2-vCPU KVM guest, where runs of
// 0.1-2 ms then ran on one thread). When a worker has not taken an item
// kShareOutLateS after the start, the caller moves itself to another CPU of
// its mask (once per call; the mask is restored when the call returns), so
// the worker runs where the caller was.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "platform/cancel.hpp"
#include "platform/cpu_nudge.hpp"

namespace cachescope {

// How long the caller waits for every worker to take an item before it
// moves off its CPU: longer than a worker woken on an idle CPU takes (a few
// to ~30 us here), short beside the runs worth two threads.
inline constexpr double kShareOutLateS = 30e-6;

template <class Body>
void shareOut(int threads, int items, Body&& body) {
  if (items <= 0) return;
  const int workers = std::max(1, std::min(threads, items));
  if (workers == 1) {
    for (int item = 0; item < items; ++item) {
      throwIfCancelled();
      body(item, 0);  // the only thread: slot 0, whatever arena it runs in
    }
    return;
  }
  std::atomic<int> next{0}, arrived{0};
  const std::thread::id caller = std::this_thread::get_id();
  const auto start = std::chrono::steady_clock::now();
  CpuNudge nudge;  // used by the caller's thread only; restores its mask on return
  tbb::parallel_for(
      tbb::blocked_range<int>(0, workers, 1),
      [&](const tbb::blocked_range<int>&) {
        const int slot = tbb::this_task_arena::current_thread_index();
        bool waiting = std::this_thread::get_id() == caller;  // for the others to arrive
        arrived.fetch_add(1, std::memory_order_relaxed);
        for (int item = next.fetch_add(1, std::memory_order_relaxed); item < items;
             item = next.fetch_add(1, std::memory_order_relaxed)) {
          throwIfCancelled();
          if (waiting) {
            if (arrived.load(std::memory_order_relaxed) >= workers) {
              waiting = false;
            } else if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
                       kShareOutLateS) {
              nudge.moveOff();
              waiting = false;
            }
          }
          body(item, slot);
        }
      },
      tbb::simple_partitioner());
}

// A range [begin, begin + size).
struct Band {
  int begin = 0, size = 0;
};

// Bands of 0 .. extent-1 to hand out with shareOut, in multiples of `unit`:
// on one thread, bands of `maxBand`; on more, the first ~3/4 of the extent
// in large bands (at most maxBand, about 4 per thread), the rest in bands an
// eighth of that (at least one unit). Large bands keep the reuse a kernel's
// blocking was made for; the small ones at the end even out the threads'
// finish, so no thread waits long for the last band of another.
inline std::vector<Band> shrinkingBands(int extent, int unit, int maxBand, int threads) {
  unit = std::max(1, unit);
  auto roundUp = [&](int v) { return std::max(unit, (v + unit - 1) / unit * unit); };
  const int top = roundUp(std::max(1, maxBand));
  const int big = threads > 1 ? std::min(top, roundUp(extent / (4 * threads))) : top;
  const int small = std::min(big, roundUp(big / 8));
  std::vector<Band> bands;
  int at = 0;
  if (threads > 1)
    for (; at < extent - extent / 4; at += big) bands.push_back({at, std::min(big, extent - at)});
  const int tail = threads > 1 ? small : big;
  for (; at < extent; at += tail) bands.push_back({at, std::min(tail, extent - at)});
  return bands;
}

// Runs `fn` in an arena of exactly `threads`: the caller's when it has that
// size (the bench runner's), else `own` (constructed with `threads`). One
// thread needs no arena at all.
template <class Fn>
void inArenaOf(int threads, tbb::task_arena& own, Fn&& fn) {
  if (threads <= 1 || tbb::this_task_arena::max_concurrency() == threads)
    fn();
  else
    own.execute(fn);
}

// Rows [0, extent) by bands: one thread runs rows(0, extent, 0); more share
// the bands out (shareOut) inside an arena of exactly `threads` (inArenaOf),
// calling rows(begin, end, slot) per band.
template <class Rows>
void runBands(int threads, tbb::task_arena& own, const std::vector<Band>& bands, int extent, Rows&& rows) {
  if (threads <= 1) {
    rows(0, extent, 0);
    return;
  }
  inArenaOf(threads, own, [&] {
    shareOut(threads, int(bands.size()), [&](int band, int slot) {
      const Band& b = bands[std::size_t(band)];
      rows(b.begin, b.begin + b.size, slot);
    });
  });
}

}  // namespace cachescope
