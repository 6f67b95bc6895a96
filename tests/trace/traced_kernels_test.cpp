// Every traceable kernel of the registry, through its own description: the
// reference count it states is the one its nest emits, every access lands in
// a buffer it names, its marks index its code text, and the simulator counts
// the textbook loop-order classes. A kernel registered with a trace is
// tested here the moment it is registered.
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kernels/registry.hpp"
#include "trace/kernel_trace.hpp"
#include "trace/simulation.hpp"

using namespace cachescope;
using namespace cachescope::trace;

namespace {

// Checks what a nest hands over instead of simulating it.
class CheckingSink final : public TraceSink {
 public:
  CheckingSink(const std::vector<TraceBuffer>& buffers, std::size_t codeLines)
      : TraceSink(true, true), buffers_(buffers), codeLines_(codeLines) {}
  std::uint64_t outside = 0, badLines = 0, points = 0, outerMarks = 0;
  int lastOuter = -1;
  bool outerRises = true;

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t) override {
    for (std::size_t r = 0; r < n; ++r) {
      const bool inside = std::any_of(buffers_.begin(), buffers_.end(), [&](const TraceBuffer& b) {
        return address[r] >= b.base && address[r] + sizeOf(flags[r]) <= b.base + b.bytes();
      });
      outside += !inside;
    }
    for (const TraceMark& m : marks) {
      if (m.kind == TraceMark::Kind::Line) badLines += std::size_t(m.line) >= codeLines_ || m.line < 0;
      else ++points;
    }
  }
  void consumeSingle(std::uint64_t, std::uint32_t, AccessKind, std::uint64_t) override { ++outside; }
  void onOuter(int o) override {
    ++outerMarks;
    outerRises = outerRises && o > lastOuter;
    lastOuter = o;
  }

 private:
  const std::vector<TraceBuffer>& buffers_;
  std::size_t codeLines_;
};

sim::HierarchyConfig oneLevel(const std::string& spec) {
  sim::HierarchyConfig c;
  c.levels.push_back(sim::parseLevelSpec(spec, "L1"));
  c.missClasses = sim::MissClasses::Off;
  return c;
}

}  // namespace

TEST_CASE("every traced kernel emits exactly the references its description states", "[trace][registry]") {
  int traced = 0;
  for (const Kernel& k : kernels()) {
    if (!k.traceable()) continue;
    ++traced;
    const TraceDescription& d = *k.trace;
    CHECK_FALSE(d.code.empty());
    CHECK_FALSE(d.note.empty());
    for (int bits : d.bits)
      for (int n : {1, 7, 33, 64})
        for (int block : {1, 8, 100})
          for (double density : {0.3, 1.0}) {
            if (!d.usesBlock && block != 8) continue;
            if (!d.usesDensity && density != 1.0) continue;
            KernelTraceSpec spec{k.info.id, n, block, bits, n % 2 ? 3 : 0, density};
            const TracedKernel tk = resolveKernel(spec);
            INFO(k.info.id << " n=" << n << " block=" << block << " bits=" << bits << " density=" << density);
            std::unique_ptr<TraceRun> run = tk.prepare();
            CheckingSink sink(run->buffers(), d.code.size());
            run->run(sink);
            sink.flush();
            CHECK(sink.references() == tk.references());
            CHECK(sink.outside == 0);
            CHECK(sink.badLines == 0);
            CHECK(sink.points > 0);
            CHECK(sink.outerMarks == std::uint64_t(tk.outerCount()));
            CHECK(sink.outerRises);
          }
  }
  // The six loop orders, blocked, packed, sparse and the two ReLUs.
  CHECK(traced >= 11);
}

TEST_CASE("the six loop orders fall into the textbook's three miss classes", "[trace]") {
  // Misses per inner iteration with L elements per line (here 16 floats):
  // ijk, jik about 1 + 1/L (a column of B); ikj, kij about 2/L (rows of B and
  // C); jki, kji about 2 (columns of A and C). n = 128 against a 4 KiB L1
  // keeps the test fast and no column fits.
  const int n = 128;
  std::map<std::string, double> perIteration;
  for (const char* order : {"ijk", "jik", "ikj", "kij", "jki", "kji"}) {
    // naive and reordered are ijk and ikj; the other four are named by order.
    std::string id = std::string("matmul.") + order;
    if (!findKernel(id)) id = std::string(order) == "ijk" ? "matmul.naive" : "matmul.reordered";
    REQUIRE(findKernel(id));
    SimulationRequest req;
    req.kernel = {id, n};
    req.cache = oneLevel("4K:4:64");
    req.missClasses = false;
    const SimulationResult r = simulate(req);
    perIteration[order] = double(r.levels[0].misses) / (double(n) * n * n);
  }
  for (const auto& [order, m] : perIteration) INFO(order << ": " << m << " misses per inner iteration");
  CHECK(perIteration["ikj"] < 0.2);
  CHECK(perIteration["kij"] < 0.2);
  CHECK(perIteration["ijk"] > 0.9);
  CHECK(perIteration["ijk"] < 1.3);
  CHECK(perIteration["jik"] > 0.9);
  CHECK(perIteration["jik"] < 1.3);
  CHECK(perIteration["jki"] > 1.8);
  CHECK(perIteration["kji"] > 1.8);
  CHECK(perIteration["ikj"] < perIteration["ijk"]);
  CHECK(perIteration["ijk"] < perIteration["jki"]);
}

TEST_CASE("a traced kernel that is not the timed code says what differs", "[trace]") {
  // The packed and sparse traces follow the portable versions of SIMD
  // kernels; their descriptions must say so, and simulate shows it.
  int caveats = 0;
  for (const Kernel& k : kernels())
    if (k.traceable() && !k.trace->caveat.empty()) ++caveats;
  CHECK(caveats >= 2);
}

TEST_CASE("sparse traces gather rows of B by the column indices", "[trace]") {
  // At density 1/8 a row of C reads about n/8 rows of B: the references
  // follow the nonzeros, not n^3.
  const int n = 64;
  for (const Kernel& k : kernels()) {
    if (!k.traceable() || !k.trace->usesDensity) continue;
    KernelTraceSpec dense{k.info.id, n, 64, 32, 0, 1.0}, sparse{k.info.id, n, 64, 32, 0, 0.125};
    const double ratio = double(resolveKernel(sparse).references()) / double(resolveKernel(dense).references());
    CHECK(ratio > 0.1);
    CHECK(ratio < 0.2);
  }
}

namespace {

// Every reference in order, and the marks with where they fell.
class RecordingSink final : public TraceSink {
 public:
  RecordingSink() : TraceSink(true, true) {}
  std::vector<std::uint64_t> addresses;
  std::vector<std::uint8_t> flags;
  std::vector<std::uint64_t> markedAt;
  std::vector<int> outers;

 protected:
  void consume(const std::uint64_t* address, const RefFlags* f, std::size_t n, std::uint64_t first) override {
    for (std::size_t r = 0; r < n; ++r) {
      addresses.push_back(address[r]);
      flags.push_back(std::uint8_t(f[r]));
    }
    for (const TraceMark& m : marks)
      if (m.before < first + n) markedAt.push_back(m.before * 4 + std::uint64_t(m.kind) * 2);
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    addresses.push_back(address);
    flags.push_back(std::uint8_t(0x80 | size | (kind == AccessKind::Write ? 0x40 : 0)));
  }
  void onOuter(int o) override { outers.push_back(o); }
};

}  // namespace

TEST_CASE("the address-only run of every traced kernel hands over the run's references and marks", "[trace][registry]") {
  int compared = 0;
  for (const Kernel& k : kernels()) {
    if (!k.traceable()) continue;
    const TraceDescription& d = *k.trace;
    for (int bits : d.bits)
      for (int n : {7, 33})
        for (int block : {3, 8}) {
          if (!d.usesBlock && block != 8) continue;
          KernelTraceSpec spec{k.info.id, n, block, bits, n % 2 ? 3 : 0, 0.5};
          const TracedKernel tk = resolveKernel(spec);
          INFO(k.info.id << " n=" << n << " block=" << block << " bits=" << bits);
          std::unique_ptr<TraceRun> run = tk.prepare();
          RecordingSink full, addressesOnly;
          run->run(full);
          full.flush();
          run->runAddresses(addressesOnly);
          addressesOnly.flush();
          REQUIRE(full.addresses.size() == tk.references());
          CHECK(addressesOnly.addresses == full.addresses);
          CHECK(addressesOnly.flags == full.flags);
          CHECK(addressesOnly.markedAt == full.markedAt);
          CHECK(addressesOnly.outers == full.outers);
          ++compared;
        }
  }
  CHECK(compared >= 40);
}
