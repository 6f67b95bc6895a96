// The worker's Access and Threads requests (real recordings at tiny sizes),
// and the Threads view's summaries with records worked out by hand.
#include <sched.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "engine/access_animation.hpp"
#include "held_worker.hpp"
#include "engine/threads_run.hpp"
#include "engine/worker.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"

using namespace cachescope;
using namespace cachescope::engine;
using namespace std::chrono_literals;

TEST_CASE("worker: an animation request records every side on the chosen caches") {
  Worker w;
  Request r;
  r.kind = RequestKind::Animation;
  r.settings.params.n = 16;
  r.settings.params.block = 4;
  r.caches = "teaching-tiny";
  r.animationKernels = {"matmul.naive", "matmul.blocked"};
  w.post(r);
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  REQUIRE(snap->error.empty());
  REQUIRE(snap->animation);
  const AnimationData& d = *snap->animation;
  CHECK(d.complete);
  REQUIRE(d.sides.size() == 2);
  CHECK(d.spec.cacheName == "teaching-tiny");
  CHECK(d.sides[0]->kernel == "matmul.naive");
  CHECK(d.sides[0]->size() == 2 * 16 * 16 * 16 + 16 * 16);
  CHECK(d.sides[1]->block == 4);
  CHECK(d.sides[1]->gridCount == 4);  // A, B, C and the tile copy T
  CHECK(d.length() == std::max(d.sides[0]->size(), d.sides[1]->size()));
}

TEST_CASE("worker: a bad preset becomes an error message, not a crash") {
  Worker w;
  Request r;
  r.kind = RequestKind::Animation;
  r.settings.params.n = 16;
  r.caches = "no-such-preset";
  r.animationKernels = {"matmul.naive"};
  w.post(r);
  REQUIRE(w.waitIdle(20s));
  auto snap = w.snapshot();
  CHECK_FALSE(snap->error.empty());
  CHECK_FALSE(snap->animation);
}

TEST_CASE("worker: a threads request records the tiles of a real matmul.parallel run") {
  // The Threads view always records this kernel: it is in every build, so a
  // missing entry is a failure, not a reason to pass without testing.
  REQUIRE(findKernel("matmul.parallel"));
  Worker w;
  Request r;
  r.kind = RequestKind::Threads;
  r.settings.params.n = 96;
  r.settings.params.threads = 1;
  w.post(r);
  REQUIRE(w.waitIdle(30s));
  auto snap = w.snapshot();
  REQUIRE(snap->error.empty());
  REQUIRE(snap->threads);
  const ThreadsRun& run = *snap->threads;
  CHECK(run.n == 96);
  CHECK(run.threads == 1);
  REQUIRE_FALSE(run.records.empty());
  CHECK(run.dropped == 0);
  CHECK(run.plainMedianS > 0);
  CHECK(run.recordedMedianS > 0);
  // Every element of C is covered once per k pass: the tasks tile C x k.
  std::uint64_t covered = 0;
  for (const TileRecord& t : run.records) {
    CHECK(t.thread == 0);
    CHECK(t.t1 >= t.t0);
    covered += std::uint64_t(t.rows) * std::uint64_t(t.cols) * std::uint64_t(t.depth);
  }
  CHECK(covered == 96ull * 96 * 96);
}

TEST_CASE("threads: loads, imbalance and owners of hand-made records") {
  ThreadsRun run;
  run.n = 4;
  run.threads = 2;
  // Thread 0: rows 0-1 in two passes (1 ms each); thread 1: rows 2-3 once (3 ms), once 1 ms.
  run.records = {{0, 0, 0, 2, 4, 0, 2, 0.000, 0.001},
                 {0, 0, 0, 2, 4, 2, 2, 0.001, 0.002},
                 {1, 2, 0, 2, 4, 0, 2, 0.000, 0.003},
                 {1, 2, 0, 2, 4, 2, 2, 0.003, 0.004}};
  const std::vector<ThreadLoad> loads = threadLoads(run);
  REQUIRE(loads.size() == 2);
  CHECK(loads[0].tasks == 2);
  CHECK(loads[0].busyS == Approx(0.002));
  CHECK(loads[1].busyS == Approx(0.004));
  CHECK(loads[1].lastS == Approx(0.004));
  // Busiest 4 ms over a mean of 3 ms.
  CHECK(imbalance(loads) == Approx(4.0 / 3.0));
  const std::vector<int> owner = ownerGrid(run, 2, 2, 2);  // 2 x 2 cells of 2 x 2 elements
  CHECK(owner == std::vector<int>{0, 0, 1, 1});
  CHECK(imbalance({}) == 1.0);
}

TEST_CASE("threads: a cancelled recording stops before the timed runs and says so") {
  std::atomic<bool> cancel{true};
  Params p;
  p.n = 64;
  p.threads = 1;
  const ThreadsRun run = recordThreadsRun(p, &cancel);
  CHECK(run.outcome == Outcome::Cancelled);
  CHECK(run.runsEach == 0);
  CHECK(run.records.empty());
  cancel = false;
  const ThreadsRun full = recordThreadsRun(p, &cancel);
  CHECK(full.outcome == Outcome::Ok);
  CHECK(full.runsEach >= 1);
  CHECK_FALSE(full.records.empty());
}

TEST_CASE("threads: runs whose worker was late (held elsewhere) are counted as such") {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 2);  // one worker thread
  cpu_set_t mask;
  REQUIRE(sched_getaffinity(0, sizeof mask, &mask) == 0);
  // The only worker spins in another arena's task, so matmul.parallel's
  // arena never gets it: every timed run waits for it past 30 us.
  HeldWorker held;
  REQUIRE(held.holding());
  Params p;
  p.n = 256;
  p.threads = 2;
  const ThreadsRun run = recordThreadsRun(p);
  held.release();
  REQUIRE(run.runsEach >= 1);
  const bool canMove = CPU_COUNT(&mask) >= 2 && host().logicalCores >= 2;
  CHECK(run.lateWorkerRuns == (canMove ? 2 * run.runsEach : 0));
  // Everything ran on the main thread: one slot did every task.
  const std::vector<ThreadLoad> loads = threadLoads(run);
  REQUIRE(loads.size() >= 1);
  CHECK(loads[0].tasks == int(run.records.size()));
}
