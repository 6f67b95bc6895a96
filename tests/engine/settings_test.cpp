#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "engine/settings.hpp"
#include "bench/param_list.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"

using namespace cachescope;
using namespace cachescope::engine;

TEST_CASE("set option: applies each key") {
  RunSettings s = defaultRunSettings();
  SweepAxis sweep = SweepAxis::None;
  applySetting(s, "n=256", &sweep);
  applySetting(s, "block=32", &sweep);
  applySetting(s, "threads=1", &sweep);
  applySetting(s, "bits=8", &sweep);
  applySetting(s, "density=0.25", &sweep);
  applySetting(s, "sweep=block", &sweep);
  CHECK(s.params.n == 256);
  CHECK(s.params.block == 32);
  CHECK(s.params.threads == 1);
  CHECK(s.params.bits == 8);
  CHECK(s.params.density == 0.25);
  CHECK(sweep == SweepAxis::Block);
}

TEST_CASE("set option: kernels keep the ladder order of the registry") {
  RunSettings s;
  applySetting(s, "kernels=matmul.blocked,matmul.naive");
  REQUIRE(s.kernels.size() == 2);
  CHECK(s.kernels[0] == "matmul.naive");
  CHECK(s.kernels[1] == "matmul.blocked");
}

TEST_CASE("set option: bad keys and values fail with one line") {
  RunSettings s = defaultRunSettings();
  auto fails = [&](const std::string& kv, const std::string& part) {
    try {
      applySetting(s, kv);
    } catch (const UsageError& e) {
      std::string what = e.what();
      CHECK(what.find('\n') == std::string::npos);
      CHECK_THAT(what, Catch::Contains(part));
      return true;
    }
    return false;
  };
  CHECK(fails("colour=red", "unknown key 'colour'"));
  CHECK(fails("n", "key=value"));
  CHECK(fails("=5", "key=value"));
  CHECK(fails("n=abc", "not an integer"));
  CHECK(fails("n=12x", "not an integer"));
  CHECK(fails("n=+-20", "not an integer"));
  CHECK(fails("n=99999999999999999999", "n=99999999999999999999: must be in 16..4096"));
  CHECK(fails("n=8", "16..4096"));
  CHECK(fails("n=100000", "16..4096"));
  CHECK(fails("block=0", "4..512"));
  CHECK(fails("threads=0", "1.."));
  CHECK(fails("threads=" + std::to_string(host().logicalCores + 1), "1.."));
  CHECK(fails("bits=16x", "not an integer"));
  CHECK(fails("bits=12", "32, 16, 8 or 4"));
  CHECK(fails("density=0", "(0, 1]"));
  CHECK(fails("density=1.5", "(0, 1]"));
  CHECK(fails("density=x", "(0, 1]"));
  CHECK(fails("kernels=matmul.blokced", "did you mean 'matmul.blocked'"));
  CHECK(fails("kernels=", "at least one"));
  CHECK(fails("sweep=diagonal", "n, block, threads"));
  // A failed --set leaves the settings as they were.
  CHECK(s.params.n == defaultRunSettings().params.n);
}

TEST_CASE("view and theme names round-trip") {
  for (View v : {View::Timings, View::Cache, View::Roofline, View::Access, View::Threads, View::Memory}) {
    View back;
    REQUIRE(parseView(toString(v), back));
    CHECK(back == v);
  }
  Theme t;
  CHECK(parseTheme("light", t));
  CHECK(t == Theme::Light);
  CHECK_FALSE(parseTheme("solarized", t));
  View v;
  CHECK_FALSE(parseView("registers", v));
}

TEST_CASE("scenario files set view, theme and parameters") {
  const std::string path = "app_scenario_test.json";
  {
    std::ofstream f(path);
    f << R"({"title": "blocking", "view": "cache", "theme": "light", "font_size": 26,
             "sweep": "block", "set": {"n": 384, "block": 48, "kernels": "matmul.naive,matmul.blocked"}})";
  }
  LaunchOptions o;
  applyScenarioFile(o, path);
  CHECK(o.view == View::Cache);
  CHECK(o.theme == Theme::Light);
  CHECK(o.fontSize == 26.0f);
  CHECK(o.sweep == SweepAxis::Block);
  CHECK(o.settings.params.n == 384);
  CHECK(o.settings.params.block == 48);
  CHECK(o.settings.kernels == std::vector<std::string>{"matmul.naive", "matmul.blocked"});

  {
    std::ofstream f(path);
    f << R"({"view": "cache", "zoom": 2})";
  }
  CHECK_THROWS_WITH(applyScenarioFile(o, path), Catch::Contains("unknown key 'zoom'"));
  {
    std::ofstream f(path);
    f << R"({"set": {"n": 5}})";
  }
  CHECK_THROWS_AS(applyScenarioFile(o, path), UsageError);
  {
    std::ofstream f(path);
    f << "{ not json";
  }
  CHECK_THROWS_WITH(applyScenarioFile(o, path), Catch::Contains("not valid JSON"));
  std::remove(path.c_str());
  CHECK_THROWS_AS(applyScenarioFile(o, "no/such/scenario.json"), FileError);
}

namespace {

// Writes `json` to a scenario file, applies it to fresh options and returns
// them; the file is removed again whatever happens. Named per test case, as
// ctest -j runs the cases as parallel processes in one directory.
struct ScenarioFile {
  std::string path;
  explicit ScenarioFile(const std::string& name) : path("app_scenario_" + name + "_test.json") {}
  ~ScenarioFile() { std::remove(path.c_str()); }
  LaunchOptions apply(const std::string& json) {
    {
      std::ofstream f(path, std::ios::binary);
      f << json;
    }
    LaunchOptions o;
    applyScenarioFile(o, path);
    return o;
  }
};

}  // namespace

TEST_CASE("a scenario file is exactly one JSON document") {
  ScenarioFile f("document");
  CHECK(f.apply(R"({"view": "cache"})" "\n\t ").view == View::Cache);  // trailing whitespace is fine
  for (const char* bad : {R"({"view": "cache"} trailing)", R"({"view": "cache"}{"view": "roofline"})",
                          R"({"view": "cache"} {})", R"({"view": "cache"},)", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH(f.apply(bad), Catch::Contains("not valid JSON"));
  }
}

TEST_CASE("scenario numbers are taken as numbers, exactly") {
  ScenarioFile f("numbers");
  // No round trip through six significant digits.
  CHECK(f.apply(R"({"set": {"density": 0.12345678}})").settings.params.density == 0.12345678);
  CHECK(f.apply(R"({"set": {"speed": 1234567.5}})").animation.speed == 1234567.5);
  // A whole number is an integer however it is written.
  CHECK(f.apply(R"({"set": {"step": 1e6}})").animation.step == 1000000);
  CHECK(f.apply(R"({"set": {"n": 256.0}})").settings.params.n == 256);
  CHECK(f.apply(R"({"set": {"step": 9007199254740993}})").animation.step == 9007199254740993);  // above 2^53
  // Not whole, or out of range: refused, and named as written, never wrapped.
  CHECK_THROWS_WITH(f.apply(R"({"set": {"n": 256.5}})"), Catch::Contains("n=256.5: not an integer"));
  CHECK_THROWS_WITH(f.apply(R"({"set": {"n": 18446744073709551615}})"),
                    Catch::Contains("n=18446744073709551615: must be in 16..4096"));
  CHECK_THROWS_WITH(f.apply(R"({"set": {"n": -9223372036854775808}})"),
                    Catch::Contains("n=-9223372036854775808: must be in 16..4096"));
  CHECK_THROWS_WITH(f.apply(R"({"set": {"n": 4294967552}})"), Catch::Contains("n=4294967552: must be in"));
  CHECK_THROWS_AS(f.apply(R"({"set": {"n": 1e300}})"), UsageError);
  CHECK_THROWS_AS(f.apply(R"({"set": {"step": 18446744073709551615}})"), UsageError);
}

TEST_CASE("scenario font_size is checked before it becomes a float") {
  ScenarioFile f("font");
  CHECK(f.apply(R"({"font_size": 30.5})").fontSize == 30.5f);
  CHECK(f.apply(R"({"font_size": 10})").fontSize == 10.0f);
  for (const char* bad : {R"({"font_size": 1e300})", R"({"font_size": -1e300})", R"({"font_size": 9.99})",
                          R"({"font_size": 48.01})", R"({"font_size": "24"})"}) {
    INFO(bad);
    CHECK_THROWS_WITH(f.apply(bad), Catch::Contains("font_size must be a number in 10..48"));
  }
}

TEST_CASE("a scenario path that is not a readable file is an input error") {
  LaunchOptions o;
  // A directory opens but cannot be read: one line, an InputError (exit 2).
  const std::string dir = ".";
  CHECK_THROWS_AS(applyScenarioFile(o, dir), FileError);
  CHECK_THROWS_WITH(applyScenarioFile(o, dir), Catch::Contains("cannot read scenario '.': Is a directory"));
  CHECK_THROWS_WITH(applyScenarioFile(o, "no/such/scenario.json"), Catch::Contains("No such file"));
  // A file far larger than any scenario is refused before it fills memory.
  ScenarioFile f("size");
  CHECK_THROWS_WITH(f.apply("{\"notes\": \"" + std::string(2 << 20, 'x') + "\"}"), Catch::Contains("larger than 1 MiB"));
}

TEST_CASE("quantization choices map to registered kernels only") {
  for (int bits : {32, 16, 8, 4}) {
    std::string id = quantKernelId(bits);
    if (!id.empty()) CHECK(findKernel(id) != nullptr);
  }
}

TEST_CASE("window size: WIDTHxHEIGHT within bounds") {
  LaunchOptions o;
  applyWindowSize(o, "1280x720");
  CHECK(o.width == 1280);
  CHECK(o.height == 720);
  for (const char* bad : {"1280", "1280x", "x720", "1280x720x1", "12a0x720", "100x100", "9000x720", "-1280x720"})
    CHECK_THROWS_WITH(applyWindowSize(o, bad), Catch::Contains("--window"));
  CHECK(o.width == 1280);  // a refused value changes nothing
}

TEST_CASE("launch settings: errors name their source") {
  LaunchOptions o;
  CHECK_THROWS_WITH(applyLaunchSetting(o, "n=7", "--then-set"), Catch::StartsWith("--then-set n=7: must be in"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "n=7", "--set"), Catch::StartsWith("--set n=7: must be in"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "n=7", "scenario 'x.json': set."),
                    Catch::StartsWith("scenario 'x.json': set.n=7: must be in"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "kernels=matmul.nosuch", "--then-set"),
                    Catch::StartsWith("--then-set kernels=matmul.nosuch: unknown kernel"));
  // The Access view's keys too: its own parser's reason, the real source.
  CHECK_THROWS_WITH(applyLaunchSetting(o, "step=-3", "scenario 'x.json': set."),
                    Catch::StartsWith("scenario 'x.json': set.step=-3: must be an access index"));
  CHECK_THROWS_WITH(applyLaunchSetting(o, "play=2", "--set"), Catch::StartsWith("--set play=2: must be 0 or 1"));
}

TEST_CASE("launch settings: an unknown key lists every key, the Access view's included") {
  LaunchOptions o;
  try {
    applyLaunchSetting(o, "colour=red", "--set");
    FAIL("no error");
  } catch (const UsageError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("unknown key 'colour'"));
    for (const char* key : {"n", "block", "threads", "bits", "density", "kernels", "sweep", "panel", "step", "caches",
                            "l1", "access", "play", "speed", "loop"})
      CHECK_THAT(what, Catch::Contains(std::string(key)));
    CHECK(what.find('\n') == std::string::npos);
  }
}

TEST_CASE("launch settings: a cache preset is resolved at once") {
  LaunchOptions o;
  CHECK_THROWS_AS(applyLaunchSetting(o, "caches=nosuch", "--set"), UsageError);
  CHECK_THROWS_WITH(applyLaunchSetting(o, "caches=nosuch", "--set"), Catch::StartsWith("--set caches=nosuch: "));
  CHECK(o.animation.caches.empty());  // a refused value changes nothing
  applyLaunchSetting(o, "caches=host", "--set");
  CHECK(o.animation.caches == "host");
}

TEST_CASE("launch settings: panel=0|1") {
  LaunchOptions o;
  CHECK(o.panel == -1);
  applyLaunchSetting(o, "panel=0", "--set");
  CHECK(o.panel == 0);
  applyLaunchSetting(o, "panel=1", "--set");
  CHECK(o.panel == 1);
  CHECK_THROWS_WITH(applyLaunchSetting(o, "panel=yes", "--set"), Catch::Contains("--set panel=yes: must be 0"));
}

TEST_CASE("bits is a parameter of the quantized kernels only") {
  std::vector<const Kernel*> quant;
  for (const Kernel& k : kernels())
    if (k.uses(Param::Bits)) quant.push_back(&k);
  REQUIRE_FALSE(quant.empty());
  // The default selection has no quantized kernel: bits=8 is reported.
  LaunchOptions o;
  REQUIRE(selectedBitsChoices(o.settings).empty());
  applyLaunchSetting(o, "bits=8", "--set");
  CHECK_THROWS_WITH(checkLaunch(o), Catch::StartsWith("--set bits=8: no selected kernel takes bits"));
  // Given with a quantized kernel (in any order), it is taken.
  applyLaunchSetting(o, "kernels=" + quant.front()->info.id, "--set");
  o.settings.params.bits = quant.front()->info.bits.front();
  CHECK_NOTHROW(checkLaunch(o));
  // A width none of the selected kernels runs with is reported too.
  o.settings.params.bits = 32;
  CHECK_THROWS_WITH(checkLaunch(o), Catch::Contains("bits=32"));
  // No explicit bits: nothing to check.
  LaunchOptions plain;
  CHECK_NOTHROW(checkLaunch(plain));
}

TEST_CASE("runBits: the width each kernel runs with, as the worker runs it") {
  for (const Kernel& k : kernels()) {
    INFO(k.info.id);
    if (!k.uses(Param::Bits)) {
      CHECK(runBits(k, 8) == 32);
      continue;
    }
    for (int b : {32, 16, 8, 4}) {
      const int got = runBits(k, b);
      CHECK(std::find(k.info.bits.begin(), k.info.bits.end(), got) != k.info.bits.end());
      if (std::find(k.info.bits.begin(), k.info.bits.end(), b) != k.info.bits.end()) CHECK(got == b);
    }
  }
}

TEST_CASE("normalizeBits makes the shown width one that runs") {
  RunSettings s = defaultRunSettings();
  s.params.bits = 32;
  normalizeBits(s);
  CHECK(s.params.bits == 32);  // nothing quantized selected: unchanged
  for (const Kernel& k : kernels()) {
    if (!k.uses(Param::Bits) || k.info.bits.empty()) continue;
    s.kernels = {k.info.id};
    s.params.bits = 32;
    normalizeBits(s);
    CHECK(s.params.bits == k.info.bits.front());
    CHECK(runBits(k, s.params.bits) == s.params.bits);
  }
}

TEST_CASE("fit-to-monitor window size") {
  int w = 0, h = 0;
  fitWindowSize(0, 0, w, h);
  CHECK((w == 1280 && h == 720));
  fitWindowSize(1920, 1050, w, h);  // a 1080p work area under a panel
  CHECK(w <= 1920);
  CHECK(h <= 1050);
  CHECK(w >= 1800);
  CHECK(h >= 950);
  fitWindowSize(1280, 720, w, h);  // a projector: fits inside
  CHECK(w <= 1280);
  CHECK(h <= 720);
  fitWindowSize(7680, 4320, w, h);  // capped
  CHECK((w == 2560 && h == 1440));
  fitWindowSize(600, 400, w, h);  // never below the smallest usable window
  CHECK((w == 640 && h == 480));
}

TEST_CASE("scenario set entries name the file and the field") {
  ScenarioFile f("fields");
  CHECK_THROWS_WITH(f.apply(R"({"set": {"n": 7}})"), Catch::Contains("scenario '" + f.path + "': set.n=7: must be in"));
  CHECK_THROWS_WITH(f.apply(R"({"set": {"caches": "nosuch"}})"), Catch::Contains("set.caches=nosuch"));
  CHECK(f.apply(R"({"set": {"panel": 0}})").panel == 0);
}

TEST_CASE("a long run is estimated before it starts") {
  const Kernel* naive = findKernel(kernelRoles().baseline);
  REQUIRE(naive != nullptr);
  RunSettings s;
  s.kernels = {naive->info.id};
  s.params.n = 2048;  // 2 n^3 = 17 GFLOP a run, the naive loop's worst: minutes
  CHECK(estimateRunSeconds(s) > 10);
  s.params.n = 128;
  CHECK(estimateRunSeconds(s) < 1);
  s.kernels.clear();
  CHECK(estimateRunSeconds(s) == 0);
}
