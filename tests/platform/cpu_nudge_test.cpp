#include <catch2/catch.hpp>

#include <sched.h>

#include <thread>

#include "platform/cpu_nudge.hpp"

using namespace cachescope;

namespace {
cpu_set_t ownMask() {
  cpu_set_t m;
  CPU_ZERO(&m);
  REQUIRE(sched_getaffinity(0, sizeof m, &m) == 0);
  return m;
}
}  // namespace

TEST_CASE("CpuNudge moves the calling thread off its CPU and puts its mask back", "[platform][threads]") {
  // Its own thread, so that whatever the test runner's mask is stays untouched.
  std::thread([] {
    const cpu_set_t before = ownMask();
    const long count = cpuNudgeCount();
    {
      CpuNudge nudge;
      const int here = sched_getcpu();
      REQUIRE(here >= 0);
      if (CPU_COUNT(&before) >= 2) {
        REQUIRE(nudge.moveOff());
        CHECK(nudge.moved());
        // sched_setaffinity has migrated the thread before it returned.
        CHECK(sched_getcpu() != here);
        const cpu_set_t during = ownMask();
        CHECK_FALSE(CPU_ISSET(here, &during));
        CHECK(CPU_COUNT(&during) == CPU_COUNT(&before) - 1);
        CHECK(cpuNudgeCount() == count + 1);
        CHECK_FALSE(nudge.moveOff());  // once
      } else {
        // A mask of one CPU has nowhere to go: nothing changes.
        CHECK_FALSE(nudge.moveOff());
        CHECK_FALSE(nudge.moved());
        CHECK(cpuNudgeCount() == count);
      }
    }
    const cpu_set_t after = ownMask();
    CHECK(CPU_EQUAL(&before, &after));
  }).join();
}

TEST_CASE("CpuNudge::restore is idempotent and a nudge that never moved restores nothing", "[platform][threads]") {
  std::thread([] {
    const cpu_set_t before = ownMask();
    CpuNudge idle;
    idle.restore();
    CpuNudge nudge;
    nudge.moveOff();
    nudge.restore();
    nudge.restore();
    CHECK_FALSE(nudge.moved());
    const cpu_set_t after = ownMask();
    CHECK(CPU_EQUAL(&before, &after));
  }).join();
}
