// The trace module: the trace-file parser, and textbook cache behaviour of
// the traced loop nests (each check is small enough to run in milliseconds).
#include <catch2/catch.hpp>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <random>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "trace/counting_sink.hpp"
#include "trace/errors.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"
#include "trace/trace_reader.hpp"

using namespace cachescope;
using namespace cachescope::trace;
namespace fs = std::filesystem;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& contents) {
    path = (fs::temp_directory_path() / ("cachescope_trace_" + std::to_string(::getpid()) + "_" +
                                          std::to_string(counter()++) + ".txt"))
               .string();
    std::ofstream(path) << contents;
  }
  ~TempFile() { std::remove(path.c_str()); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

sim::HierarchyConfig oneLevel(const std::string& spec) {
  sim::HierarchyConfig c;
  c.levels.push_back(sim::parseLevelSpec(spec, "L1"));
  return c;
}

SimulationResult runKernel(const KernelTraceSpec& k, const sim::HierarchyConfig& cache, double sample = 1.0) {
  SimulationRequest req;
  req.kernel = k;
  req.cache = cache;
  req.missClasses = true;
  req.sample = sample;
  return simulate(req);
}

SimulationResult runTrace(const std::string& path, const sim::HierarchyConfig& cache, bool skipBad = false) {
  SimulationRequest req;
  req.source = Source::TraceFile;
  req.tracePath = path;
  req.cache = cache;
  req.skipBad = skipBad;
  req.missClasses = true;
  return simulate(req);
}

// Runs `body` with file descriptor 0 replaced by `fd` (closed afterwards),
// then puts the test's own standard input back.
template <class F>
void withStdin(int fd, F&& body) {
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
  ::close(fd);
  body();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
}

// The automatic split's three ways in: the file by name, `--trace - < file`
// (standard input is a regular file) and `producer | --trace -` (a pipe).
std::vector<SimulationResult> autoSplitThreeWays(const std::string& contents, const sim::HierarchyConfig& cache,
                                                 std::uint64_t autoTraceLimit = 0) {
  TempFile f(contents);
  SimulationRequest req;
  req.source = Source::TraceFile;
  req.cache = cache;
  req.autoTraceLimit = autoTraceLimit;
  std::vector<SimulationResult> out;
  req.tracePath = f.path;
  out.push_back(simulate(req));
  req.tracePath = "-";
  const int file = ::open(f.path.c_str(), O_RDONLY);
  REQUIRE(file >= 0);
  withStdin(file, [&] { out.push_back(simulate(req)); });
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::thread writer([fd = p[1], &contents] {
    sigset_t pipeSignal;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);
    std::size_t done = 0;
    while (done < contents.size()) {
      const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += std::size_t(n);
    }
    ::close(fd);
  });
  withStdin(p[0], [&] { out.push_back(simulate(req)); });
  writer.join();
  return out;
}

void checkSameCounters(const SimulationResult& a, const SimulationResult& b, bool classes) {
  REQUIRE(a.levels.size() == b.levels.size());
  CHECK(a.references == b.references);
  CHECK(a.traceLines == b.traceLines);
  for (std::size_t l = 0; l < a.levels.size(); ++l) {
    INFO("level " << l);
    CHECK(a.levels[l].accesses == b.levels[l].accesses);
    CHECK(a.levels[l].misses == b.levels[l].misses);
    CHECK(a.levels[l].writebacks == b.levels[l].writebacks);
    if (!classes) continue;
    CHECK(a.levels[l].compulsory == b.levels[l].compulsory);
    CHECK(a.levels[l].capacity == b.levels[l].capacity);
    CHECK(a.levels[l].conflict == b.levels[l].conflict);
  }
}

}  // namespace

TEST_CASE("trace lines: Lackey and native formats", "[trace]") {
  auto t = parseTraceLine(" L 04222cac,8");
  CHECK(t.kind == TraceLine::Kind::Load);
  CHECK(t.address == 0x04222cac);
  CHECK(t.size == 8);
  t = parseTraceLine(" S 7ff000398,4");
  CHECK(t.kind == TraceLine::Kind::Store);
  CHECK(t.address == 0x7ff000398);
  CHECK(parseTraceLine(" M 0421f14,4").kind == TraceLine::Kind::Modify);
  CHECK(parseTraceLine("I  04016f8,3").kind == TraceLine::Kind::Ignored);
  CHECK(parseTraceLine("==12345== Lackey, an example Valgrind tool").kind == TraceLine::Kind::Ignored);
  CHECK(parseTraceLine("").kind == TraceLine::Kind::Ignored);
  CHECK(parseTraceLine("# comment").kind == TraceLine::Kind::Ignored);
  t = parseTraceLine("R 0x7fff5a10 16\r");
  CHECK(t.kind == TraceLine::Kind::Load);
  CHECK(t.address == 0x7fff5a10);
  CHECK(t.size == 16);
  CHECK(parseTraceLine("W 601040 4").kind == TraceLine::Kind::Store);
  for (const char* bad : {"X 1234 4", "R", "R 1234", "R zz 4", "R 1234 0", "R 1234 4 extra", " L 1234,",
                          "R 12345678901234567 4", "R ffffffffffffffff 1", "L1234,4"}) {
    INFO(bad);
    CHECK(parseTraceLine(bad).kind == TraceLine::Kind::Bad);
  }
}

TEST_CASE("trace numbers may have leading zeros; real overflow and huge sizes are refused", "[trace]") {
  // 17 hex digits of which the first is a zero: still a 64-bit address.
  TraceLine t = parseTraceLine(" L 01111111111111111,8");
  REQUIRE(t.kind == TraceLine::Kind::Load);
  CHECK(t.address == 0x1111111111111111ull);
  CHECK(t.size == 8);
  t = parseTraceLine("R 0x0000000000000000000000007fff5a10 0000000000000000016");
  REQUIRE(t.kind == TraceLine::Kind::Load);
  CHECK(t.address == 0x7fff5a10ull);
  CHECK(t.size == 16);
  t = parseTraceLine(" S 000,4");  // an address of only zeros is address 0
  REQUIRE(t.kind == TraceLine::Kind::Store);
  CHECK(t.address == 0);
  CHECK(parseTraceLine(" L 0,4096").kind == TraceLine::Kind::Load);
  CHECK(parseTraceLine(" L 0,0000004096").kind == TraceLine::Kind::Load);
  // Seventeen significant digits, and sizes past the bound, stay errors.
  for (const char* bad : {" L 11111111111111111,8", " L 0,4097", " L 0,1048576", " L 0,0000000000000000",
                          " L 0,99999999999999999999"}) {
    INFO(bad);
    const TraceLine b = parseTraceLine(bad);
    CHECK(b.kind == TraceLine::Kind::Bad);
  }
  CHECK(std::string(parseTraceLine(" L 0,1048576").error) == "size out of range (1 to 4096 bytes)");
}

TEST_CASE("line reader streams through a small buffer and flags over-long lines", "[trace]") {
  std::string text = "R 10 4\n" + std::string(100, 'x') + "\nW 20 4\nR 30 4";  // no final newline
  TempFile f(text);
  LineReader in(f.path, 16);
  std::string_view line;
  REQUIRE(in.next(line));
  CHECK(line == "R 10 4");
  REQUIRE(in.next(line));
  CHECK(in.tooLong());
  CHECK(in.lineNumber() == 2);
  REQUIRE(in.next(line));
  CHECK(line == "W 20 4");
  CHECK(in.lineNumber() == 3);
  REQUIRE(in.next(line));
  CHECK(line == "R 30 4");
  CHECK_FALSE(in.next(line));
}

TEST_CASE("malformed trace lines: error names the line, or --skip-bad counts them", "[trace]") {
  TempFile f(" L 1000,4\n S 1004,4\nI  0400,3\nR 1008 4\nthis is not a trace line\nW 100c 4\n");
  try {
    runTrace(f.path, oneLevel("1K:2:64"));
    FAIL("no error");
  } catch (const TraceError& e) {
    CHECK(e.lineNumber == 5);
    CHECK(std::string(e.what()).find("trace line 5") == 0);
  }
  SimulationResult r = runTrace(f.path, oneLevel("1K:2:64"), true);
  CHECK(r.skippedLines == 1);
  CHECK(r.firstSkippedLine == 5);
  CHECK(r.traceLines == 6);
  CHECK(r.references == 4);
  CHECK(r.levels[0].misses == 1);  // all in one 64-byte line
  CHECK_THROWS_AS(runTrace("/nonexistent/trace.txt", oneLevel("1K:2:64")), SimulationError);
}

TEST_CASE("a Lackey modify is a load and a store", "[trace]") {
  TempFile f("==1== header\n M 2000,8\n");
  SimulationResult r = runTrace(f.path, oneLevel("1K:2:64"));
  CHECK(r.references == 2);
  CHECK(r.writes == 1);
  CHECK(r.levels[0].accesses == 2);
  CHECK(r.levels[0].reads == 1);
  CHECK(r.levels[0].writes == 1);
  CHECK(r.levels[0].misses == 1);
  CHECK(r.levels[0].hits == 1);
  CHECK(r.finalState->dirtyAt(0, (0x2000 / 64) % 8, 0));  // 1K:2:64 has 8 sets
}

TEST_CASE("streaming reads miss once per line", "[trace]") {
  std::ostringstream text;
  text << std::hex;
  for (std::uint64_t a = 0x100000; a < 0x100000 + 64 * 1024; a += 4) text << "R " << a << " 4\n";
  TempFile f(text.str());
  SimulationResult r = runTrace(f.path, oneLevel("8K:4:64"));
  CHECK(r.references == 16384);
  CHECK(r.levels[0].misses == 1024);  // 64 KiB / 64-byte lines
  CHECK(r.levels[0].compulsory == 1024);
  // Straight from a kernel: reordered ikj streams C and B rows.
  SimulationResult k = runKernel({"matmul.reordered", 64}, oneLevel("1M:16:64"));
  CHECK(k.levels[0].misses == 3 * 64 * 64 * 4 / 64);  // A, B, C: each line once
  CHECK(k.levels[0].misses == k.levels[0].compulsory);
}

TEST_CASE("naive ijk at a power-of-two n: conflict misses that padding removes", "[trace]") {
  // 8 KiB, 4-way, 32 sets. Unpadded, a column of B (n = 64 floats, a row
  // every 4 lines) maps to only 8 of the 32 sets; padded by 16 floats (5
  // lines per row) it spreads over all of them and stays resident.
  const auto cache = oneLevel("8K:4:64");
  SimulationResult plain = runKernel({"matmul.naive", 64}, cache);
  SimulationResult padded = runKernel({"matmul.naive", 64, 64, 32, 16}, cache);
  INFO("conflict plain " << plain.levels[0].conflict << " padded " << padded.levels[0].conflict);
  CHECK(plain.levels[0].conflict > 100000);
  CHECK(padded.levels[0].conflict * 20 < plain.levels[0].conflict);
  CHECK(padded.levels[0].misses * 5 < plain.levels[0].misses);
  CHECK(plain.references == padded.references);
}

TEST_CASE("blocked with a tile that fits L1 hits above 95%", "[trace]") {
  sim::HierarchyConfig cache;
  cache.levels = {sim::parseLevelSpec("32K:8:64", "L1d"), sim::parseLevelSpec("1M:8:64", "L2")};
  SimulationResult r = runKernel({"matmul.blocked", 128, 32}, cache);
  INFO("L1 hit rate " << r.levels[0].hitRate());
  CHECK(r.levels[0].hitRate() > 0.95);
  SimulationResult naive = runKernel({"matmul.naive", 128}, cache);
  CHECK(naive.levels[0].hitRate() < r.levels[0].hitRate());
}

TEST_CASE("element widths: int8 and int4 shrink the footprint of A and B", "[trace]") {
  const auto big = oneLevel("1M:16:64");
  SimulationResult f32 = runKernel({"matmul.reordered", 64, 64, 32}, big);
  SimulationResult i8 = runKernel({"matmul.reordered", 64, 64, 8}, big);
  SimulationResult i4 = runKernel({"matmul.reordered", 64, 64, 4}, big);
  // Compulsory misses = distinct lines: A + B + C.
  CHECK(f32.levels[0].compulsory == 256 + 256 + 256);
  CHECK(i8.levels[0].compulsory == 64 + 64 + 256);  // int32 C
  CHECK(i4.levels[0].compulsory == 32 + 32 + 256);  // two int4 per byte
  CHECK(f32.references == i8.references);
  CHECK(i8.references == i4.references);
  CHECK(f32.references == f32.kernel.references());
}

TEST_CASE("sampling measures a window of the outer loop after a warm-up", "[trace]") {
  const auto cache = oneLevel("4K:4:64");
  SimulationResult full = runKernel({"matmul.naive", 64}, cache);
  SimulationResult part = runKernel({"matmul.naive", 64}, cache, 0.25);
  CHECK_FALSE(full.sampled);
  CHECK(part.sampled);
  CHECK(part.outerCount == 64);
  CHECK(part.warmupOuter == 4);
  CHECK(part.outerBegin == 4);
  CHECK(part.outerEnd == 20);
  CHECK(part.references == 16 * (2 * 64 * 64 + 64));
  CHECK(part.simulatedReferences > part.references);
  CHECK(std::abs(part.levels[0].hitRate() - full.levels[0].hitRate()) < 0.02);
  SimulationResult blocked = runKernel({"matmul.blocked", 64, 16}, cache, 0.3);
  CHECK(blocked.sampled);
  // The blocked nest's outer loop runs over tile rows: 4 of them at n = 64.
  CHECK(blocked.outerCount == 4);
  CHECK(blocked.outerBegin == 1);
  CHECK(blocked.outerEnd == 3);
}

TEST_CASE("the batched window resets and closes exactly at outer iterations", "[trace]") {
  // Without the three-C split the kernel's references are counted in batches:
  // every counted reference is one L1 access only if the batch was flushed
  // before the counters were reset and before the window closed.
  const auto cache = oneLevel("4K:4:64");
  for (const KernelTraceSpec& k : {KernelTraceSpec{"matmul.naive", 64}, KernelTraceSpec{"matmul.blocked", 64, 16},
                                   KernelTraceSpec{"matmul.reordered", 48, 64, 8}}) {
    SimulationRequest req;
    req.kernel = k;
    req.cache = cache;
    req.missClasses = false;
    req.sample = 0.3;
    SimulationResult r = simulate(req);
    INFO(k.kernel);
    REQUIRE(r.sampled);
    CHECK(r.levels[0].accesses == r.references);
    CHECK(r.simulatedReferences > r.references);
    req.sample = 1.0;
    SimulationResult full = simulate(req);
    CHECK(full.levels[0].accesses == full.references);
    CHECK(full.references == full.kernel.references());
  }
}

TEST_CASE("CountingSink keeps the order of batched and unbatchable references", "[trace]") {
  // Unaligned and large references (as trace files have) flush the batch and
  // are counted on their own; the result must equal count() in order.
  // Straddling references (12 bytes, or unaligned) cross lines here.
  sim::HierarchyConfig c;
  c.levels = {sim::parseLevelSpec("2K:4:64", "L1"), sim::parseLevelSpec("16K:8:64", "L2")};
  c.missClasses = sim::MissClasses::Off;
  using H = sim::Hierarchy<sim::LruPolicy>;
  H batched(c), plain(c);
  REQUIRE(batched.batchesInline());
  std::uint64_t polls = 0;
  auto poll = [&](std::uint64_t) { ++polls; };
  CountingSink<H, decltype(poll)> sink(batched, poll);
  std::mt19937_64 rng(5);
  std::uint64_t writes = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::uint32_t size = rng() % 10 == 0 ? 12 : 1u << (rng() % 4);
    std::uint64_t address = 0x40000 + rng() % 65536;
    if (rng() % 6 != 0) address &= ~std::uint64_t(size - 1);
    const sim::Op op = rng() % 3 == 0 ? sim::Op::Write : sim::Op::Read;
    writes += op == sim::Op::Write;
    // access() is the loop nests' entry: element addresses, aligned by the
    // language (larger references are still checked); add() takes anything.
    if (i % 2 || !((address & (size - 1)) == 0 || size > sim::kMaxBatchedSize))
      sink.add(address, size, op == sim::Op::Write ? AccessKind::Write : AccessKind::Read);
    else
      sink.access(address, size, op == sim::Op::Write ? AccessKind::Write : AccessKind::Read);
    plain.count(address, size, op);
  }
  sink.flush();
  CHECK(sink.references() == 20000);
  CHECK(sink.writes() == writes);
  CHECK(polls >= 20000 / TraceSink::kBatch);
  for (int l = 0; l < 2; ++l) {
    const sim::LevelCounters a = batched.counters(l), b = plain.counters(l);
    CHECK(a.accesses == b.accesses);
    CHECK(a.writes == b.writes);
    CHECK(a.misses == b.misses);
    CHECK(a.evictions == b.evictions);
    CHECK(a.writebacks == b.writebacks);
    const auto& la = batched.level(l);
    const auto& lb = plain.level(l);
    for (std::uint64_t set = 0; set < la.sets(); ++set)
      for (std::uint32_t w = 0; w < la.ways(); ++w) {
        REQUIRE(la.lineAt(set, w) == lb.lineAt(set, w));
        REQUIRE(la.dirtyAt(set, w) == lb.dirtyAt(set, w));
      }
  }
  CHECK(batched.memory().reads == plain.memory().reads);
  CHECK(batched.memory().writes == plain.memory().writes);
}

TEST_CASE("the automatic three-C split on a trace is decided by its references, not by how stdin is connected",
          "[trace]") {
  // 40,000 references over a footprint larger than L2: misses of every kind.
  std::ostringstream text;
  text << std::hex << "==1== Lackey\n";
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) text << " L " << (0x10000 + (rng() % 4096) * 16) << ",8\n M " << (0x90000 + 64 * (i % 700)) << ",4\n";
  const std::string trace = text.str();
  sim::HierarchyConfig cache = oneLevel("2K:2:64");
  cache.levels.push_back(sim::parseLevelSpec("16K:4:64", "L2"));

  // Far below kAutoTraceMissClassesLimit: on in all three ways (a pipe was
  // off, and a regular file of any length up to 1 GiB was on).
  const std::vector<SimulationResult> small = autoSplitThreeWays(trace, cache);
  SimulationRequest on;
  on.source = Source::TraceFile;
  TempFile f(trace);
  on.tracePath = f.path;
  on.cache = cache;
  on.missClasses = true;
  const SimulationResult reference = simulate(on);
  REQUIRE(reference.references == 60000);
  REQUIRE(reference.levels[0].conflict > 0);
  REQUIRE(reference.levels[1].capacity > 0);
  for (std::size_t way = 0; way < small.size(); ++way) {
    INFO("way " << way << " (file, stdin from a file, pipe)");
    CHECK(small[way].cache.missClasses == sim::MissClasses::On);
    checkSameCounters(small[way], reference, true);
  }

  // Over the limit (lowered for the test): off in all three ways, the same
  // counters as a run with the split off (the read-ahead is simulated first).
  on.missClasses = false;
  const SimulationResult off = simulate(on);
  for (std::uint64_t limit : {std::uint64_t(1000), std::uint64_t(59999)}) {
    const std::vector<SimulationResult> large = autoSplitThreeWays(trace, cache, limit);
    for (std::size_t way = 0; way < large.size(); ++way) {
      INFO("limit " << limit << ", way " << way);
      CHECK(large[way].cache.missClasses == sim::MissClasses::Off);
      checkSameCounters(large[way], off, false);
    }
  }
  // Exactly at the limit is still on.
  for (const SimulationResult& r : autoSplitThreeWays(trace, cache, 60000)) {
    CHECK(r.cache.missClasses == sim::MissClasses::On);
    checkSameCounters(r, reference, true);
  }
}

TEST_CASE("cancelling a trace during the automatic read-ahead keeps the counters of what was read", "[trace]") {
  std::string trace;
  for (int i = 0; i < 600000; ++i) trace += "R 1000 4\n";  // polled every 2^18 lines
  TempFile f(trace);
  std::atomic<bool> cancel{true};
  SimulationRequest req;
  req.source = Source::TraceFile;
  req.tracePath = f.path;
  req.cache = oneLevel("1K:2:64");
  req.cancel = &cancel;
  const SimulationResult r = simulate(req);
  CHECK(r.outcome == Outcome::Cancelled);
  CHECK(r.references > 0);
  CHECK(r.references < 600000);
  CHECK(r.levels[0].accesses == r.references);
  CHECK(r.cache.missClasses == sim::MissClasses::Off);
}

TEST_CASE("bad requests are typed errors", "[trace]") {
  const auto cache = oneLevel("4K:4:64");
  CHECK_THROWS_WITH(runKernel({"matmul.blokced", 64}, cache), Catch::Contains("did you mean 'matmul.blocked'"));
  CHECK_THROWS_WITH(runKernel({"matmul.blas", 64}, cache), Catch::Contains("cannot be traced"));
  CHECK_THROWS_WITH(runKernel({"matmul.naive", 64, 64, 16}, cache), Catch::Contains("--bits"));
  CHECK_THROWS_WITH(runKernel({"matmul.naive", 0}, cache), Catch::Contains("--n"));
  CHECK_THROWS_WITH(runKernel({"matmul.naive", 64}, cache, 0.0), Catch::Contains("--sample"));
  sim::HierarchyConfig plru = oneLevel("3K:3:64");
  plru.replacement = sim::Replacement::Plru;
  CHECK_THROWS_AS(runKernel({"matmul.naive", 8}, plru), sim::ConfigError);
}

TEST_CASE("cancellation, progress and the event observer", "[trace]") {
  struct Counter : EventObserver {
    std::uint64_t accesses = 0, points = 0, memory = 0;
    void onAccess(std::uint64_t, std::uint32_t, sim::Op, const sim::AccessEvent& e) override {
      ++accesses;
      memory += e.servedBy == 1;
    }
    void onPoint(int, int, int) override { ++points; }
  } counter;
  SimulationRequest req;
  req.kernel = {"matmul.naive", 16};
  req.cache = oneLevel("1K:2:64");
  req.observer = &counter;
  std::atomic<double> progress{0.0};
  req.progress = &progress;
  SimulationResult r = simulate(req);
  CHECK(counter.accesses == r.references);
  CHECK(counter.points == 16 * 16 * 16);
  CHECK(counter.memory == r.levels[0].misses);
  CHECK(progress.load() == 1.0);

  std::atomic<bool> cancel{true};
  SimulationRequest big;
  big.kernel = {"matmul.naive", 128};  // 4 M references: polled after the first 1 M
  big.cache = oneLevel("32K:8:64");
  big.cancel = &cancel;
  SimulationResult c = simulate(big);
  CHECK(c.outcome == Outcome::Cancelled);
  CHECK(c.references < 2 * 128 * 128 * 128);
}

TEST_CASE("cache presets: host from sysfs, documented JSON presets", "[trace]") {
  CachePreset h = hostPreset();
  REQUIRE_FALSE(h.levels.empty());
  CHECK_NOTHROW(sim::validate(hierarchyFor(h)));
  CachePreset spr = loadPreset("sapphire-rapids");
  REQUIRE(spr.levels.size() == 3);
  CHECK(spr.levels[2].sets() == 114688);
  CHECK_FALSE(spr.description.empty());
  auto all = listPresets();
  CHECK(all.size() >= 5);
  for (const CachePreset& p : all) {
    INFO(p.name);
    CHECK_FALSE(p.description.empty());
    CHECK_NOTHROW(sim::validate(hierarchyFor(p)));
  }
  CHECK_THROWS_WITH(loadPreset("pentium"), Catch::Contains("teaching-tiny"));
  TempFile bad("{\"levels\": [{\"size\": \"1K\", \"ways\": 3, \"line\": 64}]}");
  CHECK_THROWS_WITH(loadPreset(bad.path), Catch::Contains("not a multiple"));
}

TEST_CASE("preset numbers must be exact unsigned integers in range", "[trace]") {
  // Before, nlohmann's conversion wrapped or truncated these (ways 4294967304
  // -> 8, 8.9 -> 8, line 4294967360 -> 64) or was undefined (1e30).
  const std::pair<const char*, const char*> cases[] = {
      {"\"size\": 1e30, \"ways\": 8, \"line\": 64", "'size'"},
      {"\"size\": 32768, \"ways\": 1e30, \"line\": 64", "'ways'"},
      {"\"size\": 32768, \"ways\": 4294967304, \"line\": 64", "'ways'"},
      {"\"size\": 32768, \"ways\": 8.9, \"line\": 64", "'ways'"},
      {"\"size\": 32768, \"ways\": 8, \"line\": 4294967360", "'line'"},
      {"\"size\": 32768, \"ways\": -8, \"line\": 64", "'ways'"},
      {"\"size\": 32768.0, \"ways\": 8, \"line\": 64", "'size'"},
      {"\"size\": \"17179869185G\", \"ways\": 8, \"line\": 64", "'size'"},
  };
  for (const auto& [fields, field] : cases) {
    TempFile f(std::string("{\"levels\": [{\"name\": \"L1d\", ") + fields + "}]}");
    INFO(fields);
    try {
      loadPreset(f.path);
      FAIL("accepted");
    } catch (const SimulationError& e) {
      const std::string what = e.what();
      CHECK(what.find(f.path) != std::string::npos);
      CHECK(what.find(std::string("L1d ") + field) != std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  }
  TempFile good("{\"levels\": [{\"size\": 32768, \"ways\": 8, \"line\": 64}]}");
  const CachePreset p = loadPreset(good.path);
  REQUIRE(p.levels.size() == 1);
  CHECK(p.levels[0].sizeBytes == 32768);
  CHECK(p.levels[0].ways == 8);
  CHECK(p.levels[0].lineBytes == 64);
}

TEST_CASE("ReLU streams x and y: one miss per line, at its real element size", "[trace]") {
  // n = 64: 4096 elements. fp32: 16 per line -> 256 lines of x, 256 of y.
  SimulationResult f = runKernel({"relu.naive", 64}, oneLevel("4K:4:64"));
  CHECK(f.references == 2 * 64 * 64);
  CHECK(f.levels[0].reads == 64 * 64);
  CHECK(f.levels[0].writes == 64 * 64);
  CHECK(f.levels[0].misses == 2 * 64 * 64 * 4 / 64);
  CHECK(f.levels[0].misses == f.levels[0].compulsory);
  // int8: 64 per line, a quarter of the misses for the same n.
  SimulationResult q = runKernel({"relu.int8", 64}, oneLevel("4K:4:64"));
  CHECK(q.references == 2 * 64 * 64);
  CHECK(q.levels[0].misses == 2 * 64 * 64 / 64);
  // Each kernel traces its own element type.
  KernelTraceSpec wrong{"relu.naive", 64};
  wrong.bits = 8;
  CHECK_THROWS_AS(resolveKernel(wrong), SimulationError);
}

TEST_CASE("simulate splits a whole count across the threads asked for, with the same result", "[trace]") {
  sim::HierarchyConfig cache;
  cache.levels = {sim::parseLevelSpec("4K:4:64", "L1d"), sim::parseLevelSpec("32K:8:64", "L2")};
  SimulationRequest req;
  req.kernel = {"matmul.naive", 96};
  req.cache = cache;
  req.missClasses = false;
  req.threads = 1;
  const SimulationResult one = simulate(req);
  CHECK(one.threads == 1);
  req.threads = 2;
  const SimulationResult two = simulate(req);
  CHECK(two.threads == 2);
  REQUIRE(two.levels.size() == one.levels.size());
  for (std::size_t l = 0; l < one.levels.size(); ++l) {
    INFO("level " << l);
    CHECK(two.levels[l].accesses == one.levels[l].accesses);
    CHECK(two.levels[l].misses == one.levels[l].misses);
    CHECK(two.levels[l].writebacks == one.levels[l].writebacks);
  }
  CHECK(two.memory.reads == one.memory.reads);
  CHECK(two.memory.writes == one.memory.writes);
  CHECK(two.references == one.references);
  CHECK(two.cpuSeconds > 0);
  // The final contents are merged too (the Cache view draws them): the
  // same lines of the run's arena, which each run allocates anew at its own
  // address (the same offset within a page, so the same sets).
  const std::uint64_t shift = two.finalState->lineAt(0, 0, 0) - one.finalState->lineAt(0, 0, 0);
  for (int level = 0; level < 2; ++level)
    for (std::uint64_t set = 0; set < (level == 0 ? 16u : 64u); ++set)
      for (std::uint32_t w = 0; w < (level == 0 ? 4u : 8u); ++w) {
        INFO("level " << level << " set " << set << " way " << w);
        CHECK(two.finalState->lineAt(level, set, w) - shift == one.finalState->lineAt(level, set, w));
        CHECK(two.finalState->dirtyAt(level, set, w) == one.finalState->dirtyAt(level, set, w));
      }
  // What the split cannot serve runs on one thread.
  req.missClasses = true;
  CHECK(simulate(req).threads == 1);
  req.missClasses = false;
  req.mrc = true;
  CHECK(simulate(req).threads == 1);
}
