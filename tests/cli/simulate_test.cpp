// `cachescope simulate` as a script uses it: JSON fields, one-line errors
// with exit 2, traces from files.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "platform/host.hpp"

namespace {

using Run = cachescope::test::CliResult;

Run simulate(std::vector<std::string> args) {
  args.insert(args.begin(), "simulate");
  return cachescope::test::runCli(std::move(args));
}

void requireOneLineError(std::vector<std::string> args, const std::string& needle) {
  Run r = simulate(args);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("cachescope: error: ") == 0);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
}

std::string tempTrace(const std::string& contents) {
  static int n = 0;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("cachescope_cli_trace_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                         .string();
  std::ofstream(path) << contents;
  return path;
}

// Runs `simulate --trace - ...` in-process with file descriptor 0 reading
// `input` from a pipe, as `producer | cachescope simulate --trace -` would,
// then puts the test's own stdin back. A writer thread feeds the pipe, so an
// input larger than the pipe buffer works; if the command stops reading early
// (an error line), restoring fd 0 closes the read end and the writer gets EPIPE.
Run simulateStdin(std::vector<std::string> args, const std::string& input) {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(p[0], STDIN_FILENO) == STDIN_FILENO);
  ::close(p[0]);
  std::thread writer([fd = p[1], &input] {
    sigset_t pipeSignal;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);  // EPIPE instead of killing the test
    std::size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += std::size_t(n);
    }
    ::close(fd);
  });
  args.insert(args.begin(), {"--trace", "-"});
  Run r = simulate(std::move(args));
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  writer.join();
  return r;
}

}  // namespace

TEST_CASE("simulate rejects bad specs and kernels with one line and exit 2", "[cli][simulate]") {
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K:0:64"}, "ways must be >= 1");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K:8:48"}, "not a power of two");
  requireOneLineError({"--kernel", "matmul.naive", "--l2", "1000:8:64"}, "not a multiple of ways x line");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "32K"}, "SIZE:WAYS:LINE");
  requireOneLineError({"--kernel", "matmul.naive", "--policy", "mru"}, "unknown replacement policy");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "48K:12:64", "--policy", "plru"}, "power-of-two");
  requireOneLineError({"--kernel", "matmul.naive", "--write-policy", "sideways"}, "write policy");
  requireOneLineError({"--kernel", "matmul.nave"}, "did you mean 'matmul.naive'");
  requireOneLineError({"--kernel", "matmul.blas"}, "cannot be traced");
  requireOneLineError({"--kernel", "matmul.naive", "--bits", "16"}, "--bits must be 32, 8 or 4");
  requireOneLineError({"--kernel", "matmul.naive", "--n", "0"}, "--n must be > 0");
  requireOneLineError({"--kernel", "matmul.naive", "--sample", "1.5"}, "--sample");
  requireOneLineError({"--kernel", "matmul.naive", "--caches", "pentium"}, "unknown cache preset");
  requireOneLineError({"--kernel", "matmul.naive", "--l1", "none"}, "--l1 cannot be none");
  requireOneLineError({"--kernel", "matmul.naive", "--format", "xml"}, "--format");
  requireOneLineError({}, "--kernel ID or --trace");
  // 17179869185G is 2^64 + 2^30 bytes: it wrapped to a 1 GiB level before.
  requireOneLineError({"--kernel", "matmul.naive", "--n", "4", "--l1", "17179869185G:1:64"},
                      "size must be bytes with optional K/M/G suffix, below 2^64");
  requireOneLineError({"--trace", "/nonexistent/trace"}, "cannot open trace");
  requireOneLineError({"--kernel", "matmul.naive", "--prefetch", "magic"}, "--prefetch: unknown prefetch model");
  requireOneLineError({"--kernel", "matmul.naive", "--prefetch", "stride:0"}, "degree '0'");
  requireOneLineError({"--kernel", "matmul.naive", "--prefetch", "stride:2:65"}, "distance '65'");
  requireOneLineError({"--kernel", "matmul.naive", "--threads", "-1"}, "--threads -1 is outside");
  requireOneLineError({"--kernel", "matmul.naive", "--threads", "2000"}, "--threads 2000 is outside");
}

TEST_CASE("simulate --threads splits the count and says so, with the counts of one thread", "[cli][simulate]") {
  auto run = [](const std::string& threads) {
    Run r = simulate({"--kernel", "matmul.naive", "--n", "48", "--l1", "2K:4:64", "--l2", "16K:8:64", "--l3", "none",
                      "--miss-classes", "off", "--threads", threads, "--format", "json"});
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
  };
  const auto one = run("1"), two = run("2");
  CHECK(one["threads"] == 1);
  CHECK(two["threads"] == 2);
  CHECK(two["levels"] == one["levels"]);
  CHECK(two["memory"] == one["memory"]);
  Run table = simulate({"--kernel", "matmul.naive", "--n", "48", "--l1", "2K:4:64", "--l2", "none", "--miss-classes",
                        "off", "--threads", "2"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find("split by set across 2 threads") != std::string::npos);
}

TEST_CASE("simulate --prefetch shows the model and each level's prefetch counters", "[cli][simulate]") {
  Run r = simulate({"--kernel", "relu.naive", "--n", "128", "--l1", "8K:4:64", "--l2", "64K:8:64", "--l3", "none",
                    "--prefetch", "stride:2:4", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["config"]["prefetch"]["model"] == "stride");
  CHECK(j["config"]["prefetch"]["degree"] == 2);
  CHECK(j["config"]["prefetch"]["distance"] == 4);
  CHECK(j["config"]["prefetch"]["description"] == "stride, degree 2, distance 4");
  for (const auto& l : j["levels"]) {
    const auto& p = l["prefetch"];
    CHECK(p["issued"].get<std::uint64_t>() ==
          p["useful"].get<std::uint64_t>() + p["unused"].get<std::uint64_t>() + p["pending"].get<std::uint64_t>());
  }
  CHECK(j["levels"][0]["prefetch"]["useful"].get<std::uint64_t>() > 0);
  CHECK(j["levels"][1]["prefetch"]["lookups_from_above"] == j["levels"][0]["prefetch"]["issued"]);
  CHECK(j["memory"]["prefetch_line_reads"].get<std::uint64_t>() > 0);

  Run t = simulate({"--kernel", "relu.naive", "--n", "64", "--l1", "8K:4:64", "--l2", "none", "--prefetch", "next-line"});
  REQUIRE(t.code == 0);
  CHECK(t.out.find("prefetch: next-line, degree 1, at every level") != std::string::npos);
  CHECK(t.out.find("redundant") != std::string::npos);
  Run none = simulate({"--kernel", "relu.naive", "--n", "64", "--l1", "8K:4:64", "--l2", "none", "--format", "json"});
  REQUIRE(none.code == 0);
  auto jn = nlohmann::json::parse(none.out);
  CHECK(jn["config"]["prefetch"]["model"] == "none");
  CHECK_FALSE(jn["levels"][0].contains("prefetch"));
}

TEST_CASE("simulate --format json has per-level counters and the config", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.blocked", "--n", "32", "--block", "16", "--caches", "teaching-small",
                    "--l3", "none", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["levels"].size() == 2);
  for (const auto& l : j["levels"]) {
    CHECK(l.contains("accesses"));
    CHECK(l.contains("hits"));
    CHECK(l.contains("misses"));
    CHECK(l.contains("hit_rate"));
    CHECK(l.contains("compulsory"));  // small run: three-C split on
    CHECK(l["hits"].get<std::uint64_t>() + l["misses"].get<std::uint64_t>() == l["accesses"].get<std::uint64_t>());
  }
  CHECK(j["levels"][0]["name"] == "L1d");
  CHECK(j["levels"][0]["size_bytes"] == 4096);
  CHECK(j["config"]["policy"] == "lru");
  CHECK(j["config"]["levels"][1] == "32K:8:64");
  CHECK(j["kernel"]["id"] == "matmul.blocked");
  CHECK(j["kernel"]["block"] == 16);
  CHECK(j["sampled"] == false);
  // n=32, 16x16 tiles (2 per dimension): zero C (n^2), copy each B tile once
  // per ii tile (2 * 2 * n^2), A once per (i, k) per jj tile (2 * n^2), and per
  // (i, j) and four k: load C, 4 tile loads, store C (6 * 16/4 * 2 tiles).
  CHECK(j["references"] == 32 * 32 + 2 * 2 * 32 * 32 + 2 * 32 * 32 + 32 * 32 * (6 * 4 * 2));
  CHECK(j.contains("wall_s"));
  CHECK(j.contains("accesses_per_s"));

  Run s = simulate({"--kernel", "matmul.naive", "--n", "64", "--l1", "4K:4:64", "--l2", "none", "--sample", "0.25",
                    "--policy", "random", "--seed", "7", "--format", "json"});
  REQUIRE(s.code == 0);
  auto js = nlohmann::json::parse(s.out);
  CHECK(js["sampled"] == true);
  CHECK(js["sample"]["outer_begin"] == 4);
  CHECK(js["sample"]["outer_count"] == 64);
  CHECK(js["config"]["seed"] == 7);
  CHECK(js["levels"].size() == 1);
}

TEST_CASE("simulate table prints wall time and accesses per second", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.naive", "--n", "32", "--caches", "teaching-tiny", "--bits", "4",
                    "--ld-pad", "8", "--inclusive"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("M accesses/s") != std::string::npos);
  CHECK(r.out.find("hit rate") != std::string::npos);
  CHECK(r.out.find("int4") != std::string::npos);
  CHECK(r.out.find("inclusive last level") != std::string::npos);
}

TEST_CASE("simulate --trace: errors name the line, --skip-bad counts", "[cli][simulate]") {
  const std::string path = tempTrace("==7== Lackey\nI  0400,3\n L 1000,4\n S 1040,8\n M 1000,4\nR 0x2000 4\nbogus line\n");
  requireOneLineError({"--trace", path, "--l1", "1K:2:64", "--l2", "none"}, "trace line 7");
  Run r = simulate({"--trace", path, "--l1", "1K:2:64", "--l2", "none", "--skip-bad", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["trace"]["skipped_lines"] == 1);
  CHECK(j["trace"]["first_skipped_line"] == 7);
  CHECK(j["references"] == 5);  // L, S, M (two), R
  CHECK(j["levels"][0]["misses"] == 3);
  requireOneLineError({"--trace", path, "--kernel", "matmul.naive"}, "excludes");
  std::remove(path.c_str());
}

TEST_CASE("simulate bounds what a configuration or a trace line can cost", "[cli][simulate]") {
  // Lines above 4096 bytes (here 2^31: 144 references became 33.5 M accesses).
  requireOneLineError({"--kernel", "matmul.naive", "--n", "4", "--l1", "1024G:4:2147483648"},
                      "line size 2147483648 is outside 4..4096 bytes");
  // A trace access above 4096 bytes stops at its line (a 1 MiB one cost
  // 2^20 accesses with 1-byte lines).
  const std::string path = tempTrace(" L 0,8\n L 0,1048576\n");
  requireOneLineError({"--trace", path, "--l1", "32K:8:64"}, "trace line 2: size out of range (1 to 4096 bytes)");
  std::remove(path.c_str());
  // A level of 2^32 16-way sets needs 640 GiB: refused with the figure
  // before anything is allocated, whether or not the three-C split is on.
  if (cachescope::availableMemoryBytes() > 0) {
    const std::string one = tempTrace(" L 0,8\n");
    requireOneLineError({"--trace", one, "--l1", "4096G:16:64", "--miss-classes", "off"},
                        "the simulated caches need 640.0 GiB of memory");
    requireOneLineError({"--kernel", "matmul.naive", "--n", "4", "--l1", "4096G:16:64", "--miss-classes", "off"},
                        "need 640.0 GiB");
    requireOneLineError({"--trace", one, "--l1", "4096G:16:64", "--miss-classes", "on"}, "at most 2^30 lines");
    std::remove(one.c_str());
  }
}

TEST_CASE("simulate --trace - reads standard input like a file", "[cli][simulate]") {
  // Enough lines to need many reads of the pipe (about 600 KB), mixing both
  // formats and a straddling access.
  std::string trace = "==7== Lackey\n";
  for (int i = 0; i < 40000; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, i % 3 ? " L %x,8\n" : "W 0x%x 4\n", unsigned(i * 40) % 65536);
    trace += line;
  }
  trace += " S 103c,8\n";  // crosses a 64-byte line
  const std::vector<std::string> cache = {"--l1", "1K:2:64", "--l2", "8K:4:64", "--l3", "none", "--format", "json"};
  Run piped = simulateStdin(cache, trace);
  INFO(piped.err);
  REQUIRE(piped.code == 0);
  const std::string path = tempTrace(trace);
  std::vector<std::string> fromFile = {"--trace", path};
  fromFile.insert(fromFile.end(), cache.begin(), cache.end());
  Run file = simulate(fromFile);
  REQUIRE(file.code == 0);
  auto jp = nlohmann::json::parse(piped.out), jf = nlohmann::json::parse(file.out);
  CHECK(jp["references"] == 40001);
  CHECK(jp["references"] == jf["references"]);
  REQUIRE(jp["levels"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("level " << i);
    for (const char* key : {"accesses", "hits", "misses"}) CHECK(jp["levels"][i][key] == jf["levels"][i][key]);
  }
  CHECK(jp["levels"][0]["accesses"].get<std::uint64_t>() == 40002);  // the straddling store touches two lines
  std::remove(path.c_str());

  // The table names the source.
  Run table = simulateStdin({"--l1", "1K:2:64", "--l2", "none"}, "R 0x40 4\nW 0x80 4\n");
  REQUIRE(table.code == 0);
  CHECK(table.out.find("(standard input)") != std::string::npos);
}

TEST_CASE("simulate --trace -: a malformed line on stdin is exit 2 naming the line", "[cli][simulate]") {
  std::string trace = " L 1000,4\n S 1040,8\nR 0x2000 4\nnot a trace line\n";
  for (int i = 0; i < 20000; ++i) trace += " L 2000,4\n";  // more than a pipe holds: reading stops early
  Run r = simulateStdin({"--l1", "1K:2:64", "--l2", "none"}, trace);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("cachescope: error: ") == 0);
  CHECK(r.err.find("trace line 4") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.out.empty());
  // --skip-bad counts it instead.
  Run skipped = simulateStdin({"--l1", "1K:2:64", "--l2", "none", "--skip-bad", "--format", "json"}, trace);
  REQUIRE(skipped.code == 0);
  auto j = nlohmann::json::parse(skipped.out);
  CHECK(j["trace"]["skipped_lines"] == 1);
  CHECK(j["trace"]["first_skipped_line"] == 4);
  CHECK(j["references"] == 3 + 20000);
}

// [SECTION] empty traces, the caches line after overrides, progress

TEST_CASE("an empty trace is an error naming the file, exit 2", "[cli][simulate]") {
  const std::string empty = tempTrace("");
  requireOneLineError({"--trace", empty, "--l1", "1K:2:64", "--l2", "none"}, "trace '" + empty + "': no memory references");
  // Only ignored lines (a valgrind run that printed its banner, then failed):
  const std::string banner = tempTrace("==123== Lackey, an example Valgrind tool\nI  04000000,3\n");
  requireOneLineError({"--trace", banner}, "no memory references in 2 lines");
  std::remove(empty.c_str());
  std::remove(banner.c_str());
  Run r = simulateStdin({"--l1", "1K:2:64", "--l2", "none"}, "");
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("trace (standard input): no memory references") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("simulate names the caches as custom when --l1/--l2/--l3 replaced levels", "[cli][simulate]") {
  Run plain = simulate({"--kernel", "matmul.naive", "--n", "16", "--quiet"});
  REQUIRE(plain.code == 0);
  CHECK(plain.out.find("  caches: host, ") != std::string::npos);
  Run custom = simulate({"--kernel", "matmul.naive", "--n", "16", "--l1", "4K:4:64", "--l3", "none", "--quiet"});
  INFO(custom.err);
  REQUIRE(custom.code == 0);
  CHECK(custom.out.find("  caches: custom: host with L1 4K:4:64, L3 removed, ") != std::string::npos);
  CHECK(custom.out.find("caches: host,") == std::string::npos);
}

TEST_CASE("simulate on a pipe says when a kernel's simulation is done, --quiet not", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.naive", "--n", "16"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.rfind("simulate: matmul.naive n=16: done in ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(simulate({"--kernel", "matmul.naive", "--n", "16", "--quiet"}).err.empty());
}

TEST_CASE("simulate --mrc gives the miss-ratio curve in JSON and table", "[cli][simulate]") {
  Run r = simulate({"--kernel", "matmul.naive", "--n", "32", "--l1", "4K:4:64", "--l2", "none", "--mrc", "--format", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.contains("mrc"));
  const auto& m = j["mrc"];
  CHECK(m["line_bytes"] == 64);
  CHECK(m["line_accesses"] == j["levels"][0]["accesses"]);
  CHECK(m["distinct_lines"] == 3 * 32 * 32 * 4 / 64);
  CHECK(m["points"][0]["size_bytes"] == 64);
  CHECK(m["points"].back()["size_bytes"].get<std::uint64_t>() >= 2 * 64 * m["distinct_lines"].get<std::uint64_t>());
  CHECK(m["at_levels"][0]["level"] == "L1d");
  // A fully associative 4 KiB L1 (64 ways) misses exactly as the curve says.
  Run fa = simulate({"--kernel", "matmul.naive", "--n", "32", "--l1", "4K:64:64", "--l2", "none", "--format", "json"});
  REQUIRE(fa.code == 0);
  CHECK(m["at_levels"][0]["misses"] == nlohmann::json::parse(fa.out)["levels"][0]["misses"]);
  Run t = simulate({"--kernel", "matmul.naive", "--n", "32", "--l1", "4K:4:64", "--l2", "none", "--mrc"});
  REQUIRE(t.code == 0);
  CHECK(t.out.find("miss-ratio curve: fully associative LRU") != std::string::npos);
  CHECK(t.out.find("at the levels' sizes: L1d 4 KiB") != std::string::npos);
  requireOneLineError({"--kernel", "matmul.naive", "--mrc", "--sample", "0.5"}, "--mrc covers the whole run");
}
