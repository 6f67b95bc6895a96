#include <catch2/catch.hpp>

#include "app/debounce.hpp"
#include "app/ui_state.hpp"

using namespace cachescope::app;
using namespace cachescope::engine;
using namespace std::chrono_literals;
using Clock = Debouncer::Clock;

TEST_CASE("debouncer fires once after the value was still for the delay") {
  Debouncer d(150ms);
  const Clock::time_point t0{};  // a fake clock: only differences matter
  CHECK_FALSE(d.fire(t0 + 1s));  // nothing happened yet
  d.touch(t0);
  CHECK(d.pending());
  CHECK_FALSE(d.fire(t0 + 100ms));
  d.touch(t0 + 100ms);  // still dragging: the delay starts again
  CHECK_FALSE(d.fire(t0 + 200ms));
  CHECK(d.fire(t0 + 250ms));
  CHECK_FALSE(d.pending());
  CHECK_FALSE(d.fire(t0 + 400ms));  // once per burst
}

TEST_CASE("debouncer cancel drops a pending change") {
  Debouncer d(50ms);
  const Clock::time_point t0{};
  d.touch(t0);
  d.cancel();
  CHECK_FALSE(d.fire(t0 + 1s));
}

TEST_CASE("auto-rerun asks for one run after a slider drag settles") {
  UiState s;
  const Clock::time_point t0{};
  CHECK_FALSE(updateAutoRerun(s, t0));  // no change, no run
  // A drag: the value changes on three consecutive frames.
  int runs = 0;
  for (int i = 0; i < 3; ++i) {
    s.settings.params.n = 300 + 16 * i;
    runs += updateAutoRerun(s, t0 + i * 16ms);
    s.actions = {};
  }
  CHECK(runs == 0);
  CHECK_FALSE(updateAutoRerun(s, t0 + 32ms + 100ms));
  CHECK(updateAutoRerun(s, t0 + 32ms + 150ms));
  CHECK(s.actions.run);
  s.actions = {};
  CHECK_FALSE(updateAutoRerun(s, t0 + 1s));
}

TEST_CASE("auto-rerun off: changes do not start runs") {
  UiState s;
  s.autoRerun = false;
  const Clock::time_point t0{};
  s.settings.params.block = 32;
  CHECK_FALSE(updateAutoRerun(s, t0));
  CHECK_FALSE(updateAutoRerun(s, t0 + 10s));
  CHECK_FALSE(s.actions.run);
}
