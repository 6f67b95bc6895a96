// `cachescope lecture`: the headless handout export of a tiny lecture, and
// bad lecture files refused with exit 2 and the step and field named.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "run_cli.hpp"

using namespace cachescope::test;
namespace fs = std::filesystem;

namespace {

fs::path tempDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("cachescope-lecture-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("lecture --export writes plots and a handout with titles and measured numbers") {
  const fs::path d = tempDir("export");
  const fs::path file = d / "tiny.json";
  std::ofstream(file) << R"({"title": "Tiny lecture", "steps": [
    {"view": "timings", "title": "First step title", "caption": "Why one.",
     "set": {"kernels": "matmul.naive,matmul.blocked", "n": 32, "block": 8},
     "question": {"kind": "choice", "text": "Which is fastest?", "answer": "fastest"}},
    {"view": "timings", "title": "Second step title", "caption": "Why two.",
     "set": {"kernels": "matmul.naive,matmul.blocked", "n": 48},
     "question": {"kind": "number", "text": "How many times?", "of": "rate-ratio",
                  "kernels": ["matmul.blocked", "matmul.naive"], "min": 0, "max": 10}}]})";
  const fs::path out = d / "handout";
  const CliResult r = runCli({"lecture", "--export", out.string(), file.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(fs::is_regular_file(out / "step01-rates.png"));
  CHECK(fs::is_regular_file(out / "step01-rates.svg"));
  CHECK(fs::is_regular_file(out / "step02-rates.png"));
  CHECK(fs::file_size(out / "step02-rates.png") > 1000);
  const std::string page = slurp(out / "index.html");
  CHECK(page.find("First step title") != std::string::npos);
  CHECK(page.find("Second step title") != std::string::npos);
  CHECK(page.find("<svg") != std::string::npos);
  CHECK(page.find("GFLOP/s") != std::string::npos);  // a measured rate
  CHECK(page.find("Measured answer:</b> matmul.") != std::string::npos);
  CHECK(page.find("not measured") == std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("lecture: a bad lecture file exits 2 naming the step and field") {
  const fs::path d = tempDir("bad");
  const fs::path file = d / "lecture.json";
  std::ofstream(file) << R"({"steps": [{"view": "timings", "title": "t", "caption": "c"},
    {"view": "timings", "title": "t", "caption": "c"}, {"view": "timings", "title": "t", "caption": "c"},
    {"view": "timings", "title": "t", "caption": "c", "set": {"kernels": "matmul.blokced"}}]})";
  const CliResult r = runCli({"lecture", "--export", (d / "out").string(), file.string()});
  CHECK(r.code == 2);
  CHECK(r.err == "cachescope: error: lecture.json: step 4: kernels: unknown kernel 'matmul.blokced' (did you mean "
                 "'matmul.blocked'?)\n");
  CHECK_FALSE(fs::exists(d / "out" / "index.html"));
  const CliResult missing = runCli({"lecture", "--export", (d / "out").string(), (d / "nosuch.json").string()});
  CHECK(missing.code == 2);
  fs::remove_all(d);
}

TEST_CASE("lecture without --export in a build without the opener is a usage error") {
  const CliResult r = runCli({"lecture"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--export") != std::string::npos);
}

TEST_CASE("lecture --export --guess: the class's answers beside the measured ones, the ladder's knees marked") {
  const fs::path d = tempDir("guess");
  const fs::path file = d / "guess.json";
  std::ofstream(file) << R"({"steps": [
    {"view": "timings", "title": "Choice step", "caption": "Why.",
     "set": {"kernels": "matmul.naive,matmul.blocked", "n": 32, "block": 8},
     "question": {"kind": "choice", "text": "Which is fastest?"}},
    {"view": "memory", "title": "Knee step", "caption": "Why.", "set": {"probe": "latency", "probe-max": "256K"},
     "question": {"kind": "knee", "text": "Where does the L1 end?", "level": 1}}]})";
  const fs::path out = d / "handout";
  const CliResult r =
      runCli({"lecture", "--export", out.string(), "--guess", "1=matmul.blocked", "--guess", "2=64K", file.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string page = slurp(out / "index.html");
  // The choice: the option's title, the measured fastest, and right or not.
  const auto choice = page.find("<b>The class's guess:</b> ");
  REQUIRE(choice != std::string::npos);
  const std::string line = page.substr(choice, page.find("</p>", choice) - choice);
  CHECK(line.find("measured fastest") != std::string::npos);
  CHECK((line.find(": right") != std::string::npos || line.find(": not this time") != std::string::npos));
  CHECK(page.find("<b>The class's guess:</b> 64.0 KiB") != std::string::npos);
  CHECK(page.find("guess 64.0 KiB, measured") != std::string::npos);  // the verdict
  CHECK(slurp(out / "step02-latency.svg").find(">guess<") != std::string::npos);  // its marker on the ladder
  CHECK(fs::is_regular_file(out / "step02-latency.svg"));

  // Bad guesses: one line naming the option and step, exit 2, nothing written.
  const fs::path out2 = d / "refused";
  CliResult bad = runCli({"lecture", "--export", out2.string(), "--guess", "2=64Q", file.string()});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("cachescope: error: --guess 2=64Q: step 2: '64Q' is not a working-set size") == 0);
  bad = runCli({"lecture", "--export", out2.string(), "--guess", "3=1", file.string()});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--guess 3=1: expects STEP=VALUE with STEP in 1..2") != std::string::npos);
  bad = runCli({"lecture", "--export", out2.string(), "--guess", "1=matmul.blokced", file.string()});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("did you mean 'matmul.blocked'") != std::string::npos);
  CHECK_FALSE(fs::exists(out2 / "index.html"));
  fs::remove_all(d);
}
