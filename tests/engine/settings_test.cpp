#include <catch2/catch.hpp>

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
  CHECK(fails("bits=16", "32, 8 or 4"));
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
  for (View v : {View::Timings, View::Cache, View::Roofline}) {
    View back;
    REQUIRE(parseView(toString(v), back));
    CHECK(back == v);
  }
  Theme t;
  CHECK(parseTheme("light", t));
  CHECK(t == Theme::Light);
  CHECK_FALSE(parseTheme("solarized", t));
  View v;
  CHECK_FALSE(parseView("memory", v));
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
  for (int bits : {32, 8, 4}) {
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
