// Cancellation inside kernels (platform/cancel.hpp): every registered kernel
// reads the cancel flag between chunks of its run, so a run with the flag set
// throws Cancelled at once, a run with it clear is unchanged, and a long run
// stops part way when another thread sets it. Nothing here is timed: the
// latency is printed by the cancel_latency benchmark (tests/kernels/bench).
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <catch2/catch.hpp>

#include <sched.h>
#include <chrono>
#include <sstream>
#include <thread>

#include "held_worker.hpp"
#include "kernels/access.hpp"
#include "kernels/registry.hpp"
#include "kernels/share_out.hpp"
#include "platform/cpu_nudge.hpp"
#include "platform/cancel.hpp"

using namespace cachescope;

namespace {

std::vector<Params> cancelVariants(const Kernel& k, int n) {
  std::vector<int> threads = k.uses(Param::Threads) ? std::vector<int>{1, 2, 3} : std::vector<int>{1};
  std::vector<int> blocks = k.uses(Param::Block) ? std::vector<int>{1, 16, n} : std::vector<int>{64};
  const int bits = k.uses(Param::Bits) ? k.info.bits.front() : 32;
  const double density = k.uses(Param::Density) ? 0.3 : 1.0;
  std::vector<Params> out;
  for (int t : threads)
    for (int b : blocks) out.push_back(Params{n, b, t, bits, density});
  return out;
}

std::string describe(const Kernel& k, const Params& p) {
  std::ostringstream os;
  os << k.info.id << " n=" << p.n << " block=" << p.block << " threads=" << p.threads << " bits=" << p.bits
     << " density=" << p.density;
  return os.str();
}

// Runs `p` inside an arena of its thread count; true when it threw Cancelled.
bool runCancelled(Prepared& prepared, int threads) {
  tbb::task_arena arena(threads);
  bool cancelled = false;
  arena.execute([&] {
    try {
      prepared.run();
    } catch (const Cancelled&) {
      cancelled = true;
    }
  });
  return cancelled;
}

}  // namespace

TEST_CASE("Direct::poll reads the flag at the first call and then every kPollWork steps", "[kernels][cancel]") {
  std::atomic<bool> flag{false};
  CancelScope scope(&flag);
  {
    Direct acc;
    for (int i = 0; i < 3 * int(Direct::kPollWork); ++i) acc.poll(1);  // clear: never throws
    flag = true;
    bool threw = false;
    std::int64_t steps = 0;
    try {
      for (; steps <= Direct::kPollWork; ++steps) acc.poll(1);
    } catch (const Cancelled&) {
      threw = true;
    }
    CHECK(threw);
    CHECK(steps <= Direct::kPollWork);
  }
  Direct fresh;
  CHECK_THROWS_AS(fresh.poll(1), Cancelled);  // a nest cancelled before it starts stops at its first poll
  flag = false;
  CHECK_NOTHROW(fresh.poll(Direct::kPollWork * 4));
}

TEST_CASE("every kernel throws Cancelled when the flag is already set, and runs correctly when it is clear",
          "[kernels][cancel][registry]") {
  for (const Kernel& k : kernels()) {
    for (int n : {1, 64, 100}) {
      Problem problem = makeProblem(k.info.family, n);
      for (const Params& p : cancelVariants(k, n)) {
        INFO(describe(k, p));
        std::unique_ptr<Prepared> prepared;
        {
          tbb::task_arena arena(p.threads);
          arena.execute([&] { prepared = k.prepare(problem, p); });
        }
        REQUIRE(prepared);
        std::atomic<bool> flag{true};
        {
          CancelScope scope(&flag);
          CHECK(runCancelled(*prepared, p.threads));
          // Clear: the same prepared kernel (a cancelled run left behind)
          // runs to the end and gives the right answer.
          flag = false;
          CHECK_FALSE(runCancelled(*prepared, p.threads));
        }
        const ErrorStats e = compareOutputs(prepared->output(), prepared->expected());
        INFO("max abs error " << e.maxAbs << " tolerance " << prepared->tolerance());
        CHECK(e.maxAbs <= prepared->tolerance());
        // Without any scope installed the flag is never read as set.
        CHECK_FALSE(runCancelled(*prepared, p.threads));
      }
    }
  }
}

TEST_CASE("a long naive run cancelled from another thread after 50 ms ends with Cancelled", "[kernels][cancel]") {
  const Kernel* naive = findKernel("matmul.naive");
  REQUIRE(naive);
  // n = 1024 naive: about 2 Gflop at well under 10 GFLOP/s, seconds on any CPU.
  const int n = 1024;
  Problem problem = makeProblem(Family::Matmul, n);
  std::unique_ptr<Prepared> prepared = naive->prepare(problem, Params{n});
  std::atomic<bool> flag{false};
  CancelScope scope(&flag);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = true;
  });
  bool cancelled = false;
  try {
    prepared->run();
  } catch (const Cancelled&) {
    cancelled = true;
  }
  stopper.join();
  CHECK(cancelled);
  CHECK(flag.load());
}

TEST_CASE("matmul.parallel on two threads cancelled mid-run ends with Cancelled", "[kernels][cancel][parallel]") {
  const Kernel* par = findKernel("matmul.parallel");
  REQUIRE(par);
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 2);
  // 2 n^3 = 17 Gflop: longer than 5 ms on two cores of any CPU.
  const int n = 2048;
  Problem problem = makeProblem(Family::Matmul, n);
  tbb::task_arena arena(2);
  std::unique_ptr<Prepared> prepared;
  arena.execute([&] { prepared = par->prepare(problem, Params{n, 64, 2}); });
  std::atomic<bool> flag{false};
  CancelScope scope(&flag);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    flag = true;
  });
  const bool cancelled = runCancelled(*prepared, 2);
  stopper.join();
  CHECK(cancelled);
}

TEST_CASE("shareOut hands every item out once and carries a worker's Cancelled to the caller",
          "[kernels][cancel][parallel]") {
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 2);
  tbb::task_arena arena(2);
  SECTION("every item once, on at most two slots") {
    std::vector<std::atomic<int>> seen(500);
    std::atomic<int> badSlot{0};
    arena.execute([&] {
      shareOut(2, int(seen.size()), [&](int item, int slot) {
        seen[std::size_t(item)].fetch_add(1);
        if (slot < 0 || slot > 1) badSlot = 1;
      });
    });
    CHECK(badSlot == 0);
    for (const auto& s : seen) CHECK(s.load() == 1);
  }
  SECTION("a caller whose worker is late moves off its CPU once and gets its CPU mask back") {
    cpu_set_t before, after;
    REQUIRE(sched_getaffinity(0, sizeof before, &before) == 0);
    // The only worker is kept busy in an arena of its own, so it cannot take
    // shareOut's second chunk: the caller waits for it longer than
    // kShareOutLateS with items left.
    HeldWorker held;
    REQUIRE(held.holding());
    const long nudges = cpuNudgeCount();
    std::atomic<int> done{0};
    arena.execute([&] {
      shareOut(2, 20, [&](int, int) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
        while (std::chrono::steady_clock::now() < until) {
        }
        done.fetch_add(1);
      });
    });
    held.release();
    REQUIRE(sched_getaffinity(0, sizeof after, &after) == 0);
    CHECK(done == 20);
    CHECK(CPU_EQUAL(&before, &after));
    CHECK(cpuNudgeCount() - nudges == (CPU_COUNT(&before) >= 2 ? 1 : 0));
  }
  SECTION("Cancelled thrown on a worker thread reaches the caller") {
    std::atomic<bool> workerThrew{false};
    const std::thread::id caller = std::this_thread::get_id();
    bool caught = false;
    arena.execute([&] {
      try {
        shareOut(2, 1000, [&](int, int) {
          if (std::this_thread::get_id() != caller) {
            workerThrew = true;
            throw Cancelled{};
          }
          // The caller's thread waits (bounded) until the worker has thrown,
          // so the exception surely comes from the other thread.
          const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (!workerThrew && std::chrono::steady_clock::now() < until) std::this_thread::yield();
        });
      } catch (const Cancelled&) {
        caught = true;
      }
    });
    CHECK(workerThrew);
    CHECK(caught);
  }
}
