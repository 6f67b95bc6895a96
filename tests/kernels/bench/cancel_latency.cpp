// cancel_latency: how long a kernel run takes to stop once the cancel flag is
// set (platform/cancel.hpp), from the moment another thread sets it to the
// moment run() returns with Cancelled. A benchmark for people, not a test:
// it prints numbers and asserts nothing.
//
//   build/tests/kernels/bench/cancel_latency [--n N] [--tries T] [--threads T] [KERNEL ...]
//
// Default: every registered kernel at n = 2048, 5 tries, 2 threads for the
// kernels that take a thread count. Per kernel: one run with a stop after
// 1 s tells how long a whole run takes (or that it takes longer); then each
// try stops a fresh run part way (at 15%, 30%, ... of a short run's time, or
// after 100, 150, ... ms of a long one) and measures the latency. Prints the
// median, min and max of the tries.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kernels/registry.hpp"
#include "platform/cancel.hpp"

using namespace cachescope;
using Clock = std::chrono::steady_clock;

namespace {

struct Try {
  bool cancelled = false;
  double runS = 0;      // from the start of run() to its return
  double latencyS = 0;  // from setting the flag to run()'s return (cancelled only)
};

// Runs `prepared` in `arena`, setting the flag from another thread after
// `delayS`.
Try stopAfter(Prepared& prepared, tbb::task_arena& arena, double delayS) {
  std::atomic<bool> flag{false};
  std::atomic<bool> done{false};
  std::atomic<Clock::rep> setAt{0};
  CancelScope scope(&flag);
  const Clock::time_point start = Clock::now();
  std::thread stopper([&] {
    const Clock::time_point when = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delayS));
    while (!done.load() && Clock::now() < when) std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (done.load()) return;
    setAt = Clock::now().time_since_epoch().count();
    flag = true;
  });
  Try t;
  arena.execute([&] {
    try {
      prepared.run();
    } catch (const Cancelled&) {
      t.cancelled = true;
    }
  });
  const Clock::time_point end = Clock::now();
  done = true;
  stopper.join();
  t.runS = std::chrono::duration<double>(end - start).count();
  if (t.cancelled) t.latencyS = std::chrono::duration<double>(end.time_since_epoch() - Clock::duration(setAt.load())).count();
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--n N] [--tries T] [--threads T] [KERNEL ...]\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 2048, tries = 5, threads = 2;
  std::vector<const Kernel*> chosen;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](int& out) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (!end || *end || v < 1 || v > 1 << 14) return false;
      out = int(v);
      return true;
    };
    if (a == "--n") {
      if (!value(n)) return usage(argv[0]);
    } else if (a == "--tries") {
      if (!value(tries)) return usage(argv[0]);
    } else if (a == "--threads") {
      if (!value(threads)) return usage(argv[0]);
    } else if (a == "-h" || a == "--help") {
      return usage(argv[0]);
    } else if (const Kernel* k = findKernel(a)) {
      chosen.push_back(k);
    } else {
      std::fprintf(stderr, "%s: unknown kernel '%s' (did you mean %s?)\n", argv[0], a.c_str(), nearestKernelId(a).c_str());
      return 2;
    }
  }
  if (chosen.empty())
    for (const Kernel& k : kernels()) chosen.push_back(&k);
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, std::size_t(std::max(threads, 1)));

  std::printf("cancel latency at n=%d, %d tries per kernel (flag set -> run() returns)\n", n, tries);
  std::printf("%-18s %7s %12s %10s %10s %10s  %s\n", "kernel", "threads", "whole run", "median", "min", "max",
              "stopped at");
  for (const Kernel* k : chosen) {
    Params p;
    p.n = n;
    p.threads = k->uses(Param::Threads) ? threads : 1;
    if (k->uses(Param::Bits)) p.bits = k->info.bits.front();
    const Problem problem = makeProblem(k->info.family, n);
    tbb::task_arena arena(p.threads);
    std::unique_ptr<Prepared> prepared;
    try {
      arena.execute([&] { prepared = k->prepare(problem, p); });
    } catch (const std::exception& e) {
      std::printf("%-18s  cannot prepare: %s\n", k->info.id.c_str(), e.what());
      continue;
    }
    // How long is a whole run? Stop it after a second if it is longer.
    const Try probe = stopAfter(*prepared, arena, 1.0);
    const bool longRun = probe.cancelled;
    char whole[32];
    if (longRun)
      std::snprintf(whole, sizeof whole, "> 1 s");
    else
      std::snprintf(whole, sizeof whole, "%.1f ms", probe.runS * 1e3);
    std::vector<double> latency;
    std::string at;
    int finished = 0;
    for (int t = 0; t < tries; ++t) {
      const double delay = longRun ? 0.1 + 0.05 * t : probe.runS * (0.15 + 0.6 * t / std::max(1, tries - 1));
      const Try r = stopAfter(*prepared, arena, delay);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.0f ms", at.empty() ? "" : ", ", delay * 1e3);
      at += buf;
      if (r.cancelled)
        latency.push_back(r.latencyS);
      else
        ++finished;
    }
    if (latency.empty()) {
      std::printf("%-18s %7d %12s %10s %10s %10s  %s (every run ended before its stop)\n", k->info.id.c_str(), p.threads,
                  whole, "-", "-", "-", at.c_str());
      continue;
    }
    const auto [lo, hi] = std::minmax_element(latency.begin(), latency.end());
    std::printf("%-18s %7d %12s %8.2f ms %7.2f ms %7.2f ms  %s", k->info.id.c_str(), p.threads, whole,
                median(latency) * 1e3, *lo * 1e3, *hi * 1e3, at.c_str());
    if (finished) std::printf(" (%d ended before the stop)", finished);
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}
