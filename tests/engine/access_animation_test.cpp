// The access-order animation's model: the recorded events are those of the
// traced loop nest the simulator counts, so the counters at the end of the
// animation equal `cachescope simulate`; playback and seeking agree.
#include <catch2/catch.hpp>

#include "engine/access_animation.hpp"
#include "kernels/registry.hpp"
#include "bench/param_list.hpp"
#include "cachesim/config.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

using namespace cachescope;
using namespace cachescope::engine;

namespace {

AnimationSpec specFor(int n, int block, const std::string& preset) {
  AnimationSpec s;
  s.n = n;
  s.block = block;
  s.cacheName = preset;
  s.cache = trace::hierarchyFor(trace::loadPreset(preset));
  return s;
}

trace::SimulationResult simulateLikeTheCli(const std::string& kernel, int n, int block, const std::string& preset) {
  trace::SimulationRequest req;
  req.kernel.kernel = kernel;
  req.kernel.n = n;
  req.kernel.block = block;
  req.cache = trace::hierarchyFor(trace::loadPreset(preset));
  return trace::simulate(req);
}

}  // namespace

TEST_CASE("animation: end counters equal the simulator's for naive, reordered and blocked") {
  for (const char* preset : {"teaching-small", "teaching-tiny", "teaching-direct"}) {
    for (const char* kernel : {"matmul.naive", "matmul.reordered", "matmul.blocked"}) {
      INFO(preset << " " << kernel);
      const int n = 24, block = 8;
      auto tr = recordAccessTrace(specFor(n, block, preset), kernel);
      REQUIRE(tr);
      CHECK_FALSE(tr->truncated);
      const trace::SimulationResult sim = simulateLikeTheCli(kernel, n, block, preset);
      REQUIRE(tr->size() == sim.references);
      REQUIRE(tr->finalCounters.size() == sim.levels.size());
      PlaybackState s = initialState(*tr);
      rollForward(*tr, s, tr->size());
      for (std::size_t l = 0; l < sim.levels.size(); ++l) {
        INFO("level " << l);
        // The model's own counters after the run, and the ones playback adds up.
        CHECK(tr->finalCounters[l].accesses == sim.levels[l].accesses);
        CHECK(tr->finalCounters[l].hits == sim.levels[l].hits);
        CHECK(s.accesses[l] == sim.levels[l].accesses);
        CHECK(s.hits[l] == sim.levels[l].hits);
      }
      // The L1 outline at the end is what the simulator holds.
      CHECK(s.inL1 == tr->finalInL1);
    }
  }
}

TEST_CASE("animation: every access of the nest is one event, in the nest's order") {
  auto tr = recordAccessTrace(specFor(4, 4, "teaching-tiny"), "matmul.naive");
  REQUIRE(tr);
  // naive ijk, n = 4: per (i, j): 4 x (load A[i][k], load B[k][j]), store C[i][j].
  REQUIRE(tr->size() == 2 * 64 + 16);
  const Event e0 = tr->events[0], e1 = tr->events[1], e8 = tr->events[8];
  CHECK(e0.grid() == 0);
  CHECK(e0.cell() == 0);
  CHECK(e1.grid() == 1);
  CHECK(e1.cell() == 0);
  CHECK(tr->events[3].grid() == 1);
  CHECK(tr->events[3].cell() == 4);  // B[1][0]
  CHECK(e8.grid() == 2);
  CHECK(e8.write());
  CHECK(e8.codeLine() == 5);
  CHECK(e0.codeLine() == 4);
  // First touches come from memory, and a 16-byte line holds A[0][0..3].
  CHECK(e0.level() == tr->levels);
  CHECK(tr->events[2].level() == 0);  // A[0][1]: same line, L1 hit
  CHECK(tr->points.size() == 64);
}

TEST_CASE("animation: seeking back and forth gives the same state as playing straight") {
  AnimationSpec spec = specFor(48, 16, "teaching-small");
  auto tr = recordAccessTrace(spec, "matmul.blocked");
  REQUIRE(tr);
  REQUIRE(tr->checkpoints.size() >= 2);
  const std::uint64_t targets[] = {tr->size() - 1, 7, tr->checkpointEvery + 5, 3 * tr->size() / 4, 1};
  PlaybackState seeking = initialState(*tr);
  for (std::uint64_t t : targets) {
    seek(*tr, seeking, t);
    PlaybackState straight = initialState(*tr);
    rollForward(*tr, straight, t);
    INFO("t = " << t);
    CHECK(seeking.t == t);
    CHECK(seeking.lastTouch == straight.lastTouch);
    CHECK(seeking.level == straight.level);
    CHECK(seeking.inL1 == straight.inL1);
    CHECK(seeking.accesses == straight.accesses);
    CHECK(seeking.hits == straight.hits);
    CHECK(seeking.point == straight.point);
  }
}

TEST_CASE("animation: loop indices and inner-iteration steps follow the nest") {
  auto tr = recordAccessTrace(specFor(8, 4, "teaching-tiny"), "matmul.naive");
  REQUIRE(tr);
  PlaybackState s = initialState(*tr);
  // Step over ten inner iterations of naive: (0, 0, 0) .. (0, 1, 1).
  std::uint64_t t = 0;
  for (int step = 0; step < 10; ++step) t = nextPointStart(*tr, t);
  seek(*tr, s, t);
  CHECK(s.i() == 0);
  CHECK(s.j() == 1);
  CHECK(s.k() == 1);
  // Two loads per iteration, plus the store of C[0][0].
  CHECK(t == 10 * 2 + 1);
}

TEST_CASE("animation: large n aggregates cells, long runs are cut and say so") {
  AnimationSpec spec = specFor(300, 32, "teaching-small");
  spec.maxAccesses = 100000;
  auto tr = recordAccessTrace(spec, "matmul.naive");
  REQUIRE(tr);
  CHECK(tr->truncated);
  CHECK(tr->size() == 100000);
  CHECK(tr->totalReferences == 2ull * 300 * 300 * 300 + 300 * 300);
  const GridShape& a = tr->grids[std::size_t(0)];
  CHECK(a.factor == 3);
  CHECK(a.cellRows == 100);
  CHECK(tr->gridCount == 3);  // naive has no tile copy
}

TEST_CASE("animation: cancellation says Cancelled, bad input throws") {
  std::atomic<bool> cancel{true};
  auto stopped = recordAccessTrace(specFor(64, 8, "teaching-small"), "matmul.naive", &cancel);
  REQUIRE(stopped);
  CHECK(stopped->outcome == Outcome::Cancelled);
  CHECK(stopped->size() == 0);
  CHECK_THROWS(recordAccessTrace(specFor(64, 8, "teaching-small"), "matmul.blas"));
  CHECK_THROWS(recordAccessTrace(specFor(64, 8, "teaching-small"), "matmul.nosuch"));
}

TEST_CASE("animation: launch settings") {
  AnimationLaunch l;
  CHECK(applyAnimationSetting(l, "step=5000"));
  CHECK(l.step == 5000);
  CHECK(applyAnimationSetting(l, "caches=teaching-tiny"));
  CHECK(l.caches == "teaching-tiny");
  CHECK(applyAnimationSetting(l, "access=matmul.kij,matmul.sparse"));
  CHECK(l.kernels == std::vector<std::string>{"matmul.kij", "matmul.sparse"});
  CHECK_THROWS_WITH(applyAnimationSetting(l, "access=matmul.blas"), Catch::Contains("no traced loop nest"));
  CHECK_THROWS_WITH(applyAnimationSetting(l, "access=matmul.nive"), Catch::Contains("did you mean 'matmul.naive'"));
  CHECK_THROWS_AS(applyAnimationSetting(l, "access=matmul.naive,matmul.kij,matmul.jki,matmul.kji"), UsageError);
  CHECK_THROWS_AS(applyAnimationSetting(l, "access="), UsageError);
  // No ids: the registry's comparison pair, which is traceable.
  const std::vector<std::string> pair = animationKernels({});
  REQUIRE(pair.size() == 2);
  for (const std::string& id : pair) CHECK(findKernel(id)->traceable());
  CHECK_FALSE(applyAnimationSetting(l, "n=32"));
  CHECK_THROWS_AS(applyAnimationSetting(l, "step=-3"), UsageError);
  CHECK_THROWS_AS(applyAnimationSetting(l, "step=12x"), UsageError);
  CHECK_THROWS_AS(applyAnimationSetting(l, "play=yes"), UsageError);
  CHECK(applyAnimationSetting(l, "speed=2e6"));
  CHECK(l.speed == 2e6);
  CHECK_THROWS_AS(applyAnimationSetting(l, "speed=0"), UsageError);
  CHECK(applyAnimationSetting(l, "l1=1K:2:64"));
  CHECK(l.l1 == "1K:2:64");
  CHECK_THROWS_AS(applyAnimationSetting(l, "l1=1K:3:64"), UsageError);
  CHECK(applyAnimationSetting(l, "play=1"));
  CHECK(l.play == 1);
}

TEST_CASE("animation: every traced kernel's code lines name the buffers they touch") {
  // The code line of each access comes from the nest's own line() marks:
  // an access to a buffer must sit on a line of the code text that names it.
  AnimationSpec spec;
  spec.n = 12;
  spec.block = 4;
  spec.density = 0.5;
  spec.cache = trace::hierarchyFor(trace::loadPreset("teaching-tiny"));
  int checked = 0;
  for (const Kernel& k : kernels()) {
    if (!k.traceable()) continue;
    auto tr = recordAccessTrace(spec, k.info.id);
    REQUIRE(tr);
    INFO(k.info.id);
    REQUIRE(tr->size() == tr->totalReferences);
    std::uint64_t wrong = 0;
    for (const Event& e : tr->events) {
      REQUIRE(std::size_t(e.codeLine()) < tr->code.size());
      const std::string& line = tr->code[std::size_t(e.codeLine())];
      if (line.find(tr->grids[std::size_t(e.grid())].name) == std::string::npos) ++wrong;
    }
    CHECK(wrong == 0);
    ++checked;
  }
  CHECK(checked >= 11);
}
