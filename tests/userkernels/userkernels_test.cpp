// User kernels: the examples built through the real `kernel build` path,
// verified, timed and traced; kernels that crash, loop forever or compute
// a wrong result are clear results; a shared object without the exported
// kernel and a source that does not compile are one-line input errors.
//
// The compiles take seconds each, so every shared object is built once
// (built() below) and shared by the test cases.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "bench/runner.hpp"
#include "cachesim/config.hpp"
#include "kernels/registry.hpp"
#include "trace/simulation.hpp"
#include "userkernels/build.hpp"
#include "userkernels/child.hpp"
#include "userkernels/errors.hpp"
#include "userkernels/plugin.hpp"

using namespace cachescope;
namespace fs = std::filesystem;

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

// Runs the cachescope binary with `args` (a shell line) and collects its output.
Run runCli(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  const std::string base = (fs::temp_directory_path() / ("cachescope_uk_" + std::to_string(::getpid()) + "_" +
                                                         std::to_string(counter++)))
                               .string();
  const std::string cmd = env + " '" CACHESCOPE_BINARY "' " + args + " >" + base + ".out 2>" + base + ".err";
  Run r;
  const int s = std::system(cmd.c_str());
  r.status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::ostringstream o;
    o << in.rdbuf();
    return o.str();
  };
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
std::string lastLine(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

const char* kCrash = R"(#include "cachescope_kernel.hpp"
template <class Acc>
void crash(Acc& acc, int n, const float* A, const float* B, float* C) {
  float* volatile p = nullptr;
  acc.store(&C[0], *p + A[0] + B[0] + float(n));
}
CACHESCOPE_KERNEL(crash, crash)
)";
const char* kLoop = R"(#include "cachescope_kernel.hpp"
void spin(int n, const float* A, const float* B, float* C) {
  volatile int forever = 1;
  while (forever) C[0] = A[0] + B[0] + float(n);
}
CACHESCOPE_KERNEL(spin, spin)
)";
const char* kPlainRelu = R"(#include "cachescope_kernel.hpp"
void plain_relu(int n, const float* x, float* y) {
  for (int i = 0; i < n * n; ++i) y[i] = x[i] > 0 ? x[i] : 0.0f;
}
CACHESCOPE_KERNEL(plain_relu, plain_relu)
)";
const char* kNoSymbol = "extern \"C\" int not_a_kernel(int x) { return x + 1; }\n";
const char* kBadSyntax = "#include \"cachescope_kernel.hpp\"\n\nvoid broken(int n) {\n  return n +;\n}\n";

struct Built {
  std::string dir;  // the temp dir (also XDG_CACHE_HOME of every build)
  std::map<std::string, std::string> object;  // example or test kernel -> .so
  std::map<std::string, std::string> source;
  Run naiveBuild;
};

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const Built& built() {
  static const Built b = [] {
    Built b;
    char tmpl[] = "/tmp/cachescope_uk_XXXXXX";
    b.dir = ::mkdtemp(tmpl);
    ::setenv("XDG_CACHE_HOME", b.dir.c_str(), 1);  // the in-process builds too
    const std::string env = "XDG_CACHE_HOME='" + b.dir + "'";
    for (const char* name : {"naive", "blocked", "buggy"}) {
      b.source[name] = std::string(CACHESCOPE_SOURCE_DIR) + "/examples/kernels/" + name + ".cpp";
      Run r = runCli("kernel build '" + b.source[name] + "'", env);
      INFO(r.err);
      REQUIRE(r.status == 0);
      b.object[name] = firstLine(r.out);
      if (std::string(name) == "naive") b.naiveBuild = r;
    }
    for (auto [name, text] : {std::pair<const char*, const char*>{"crash", kCrash}, {"spin", kLoop},
                              {"plain_relu", kPlainRelu}}) {
      b.source[name] = b.dir + "/" + name + ".cpp";
      write(b.source[name], text);
      b.object[name] = userkernels::buildKernel(b.source[name]).object;
    }
    b.source["bad"] = b.dir + "/bad.cpp";
    write(b.source["bad"], kBadSyntax);
    b.source["nosym"] = b.dir + "/nosym.cpp";
    write(b.source["nosym"], kNoSymbol);
    b.object["nosym"] = b.dir + "/nosym.so";
    const std::string cc = "c++ -shared -fPIC '" + b.source["nosym"] + "' -o '" + b.object["nosym"] + "'";
    REQUIRE(std::system(cc.c_str()) == 0);
    return b;
  }();
  return b;
}

const Kernel& load(const std::string& name) {
  const userkernels::LoadedKernel k = userkernels::loadPlugin(built().object.at(name));
  REQUIRE(k.kernel != nullptr);
  return *k.kernel;
}

BenchRecord bench(const Kernel& k, int n, int reps = 2) {
  Job job{&k, Params{}};
  job.params.n = n;
  const Problem p = makeProblem(k.info.family, n);
  return runJob(job, p, RunOptions{0, reps});
}

// Short limits keep the suite fast; restored after each case.
struct ShortLimits {
  userkernels::Limits saved = userkernels::limits();
  ShortLimits() { userkernels::limits().seconds = 2; }
  ~ShortLimits() { userkernels::limits() = saved; }
};

}  // namespace

TEST_CASE("kernel build puts the examples into the per-user cache and rebuilds only changed sources", "[userkernels]") {
  const Built& b = built();
  for (const auto& name : {"naive", "blocked", "buggy"}) {
    const std::string so = b.object.at(name);
    INFO(so);
    CHECK(so.rfind(b.dir + "/cachescope/kernels/", 0) == 0);
    CHECK(so.size() > 3);
    CHECK(so.substr(so.size() - 3) == ".so");
    CHECK(fs::is_regular_file(so));
  }
  CHECK(b.naiveBuild.err.find("-O3 -march=native -fPIC -shared -std=c++20") != std::string::npos);
  CHECK(b.naiveBuild.err.find("user.naive (matmul, traced") != std::string::npos);
  const Run again = runCli("kernel build '" + b.source.at("naive") + "'", "XDG_CACHE_HOME='" + b.dir + "'");
  CHECK(again.status == 0);
  CHECK(firstLine(again.out) == b.object.at("naive"));
  CHECK(again.err.find("up to date") != std::string::npos);
  // A changed source is another object.
  const std::string copy = b.dir + "/naive_copy.cpp";
  std::ifstream in(b.source.at("naive"));
  std::ostringstream text;
  text << in.rdbuf();
  write(copy, text.str() + "// changed\n");
  const std::string first = userkernels::buildKernel(copy).object;
  write(copy, text.str() + "// changed again\n");
  const userkernels::BuildResult second = userkernels::buildKernel(copy);
  CHECK_FALSE(second.cached);
  CHECK(second.object != first);
}

TEST_CASE("the naive and blocked examples verify, time and match the reference", "[userkernels]") {
  for (const auto& name : {"naive", "blocked"}) {
    const Kernel& k = load(name);
    CHECK(k.info.id == std::string("user.") + name);
    CHECK(findKernel(k.info.id) == &k);
    CHECK(k.traceable());
    const BenchRecord r = bench(k, 48);
    INFO(r.failure);
    REQUIRE(r.outcome == Outcome::Ok);
    REQUIRE(r.timesS.size() == 2);
    for (double t : r.timesS) CHECK(t > 0);
    // The output of the timed runs, read back from the child.
    Job job{&k, Params{}};
    job.params.n = 33;
    const Problem p = makeProblem(Family::Matmul, 33);
    auto prepared = k.prepare(p, job.params);
    prepared->run();
    const ErrorStats e = compareOutputs(prepared->output(), prepared->expected());
    CHECK(e.maxAbs <= prepared->tolerance());
  }
}

TEST_CASE("the buggy example is caught by the verifier and never timed", "[userkernels]") {
  const BenchRecord r = bench(load("buggy"), 64);
  CHECK(r.outcome == Outcome::Failed);
  CHECK(r.failure.rfind("wrong result at C[0][0]: ", 0) == 0);
  CHECK(r.failure.find("(n=1)") != std::string::npos);
  CHECK(r.timesS.empty());
}

TEST_CASE("a kernel that segfaults is reported as crashed, with its id and size", "[userkernels]") {
  ShortLimits limits;
  const BenchRecord r = bench(load("crash"), 32);
  CHECK(r.outcome == Outcome::Failed);
  CHECK(r.failure == "crashed: SIGSEGV in user.crash at n=1");
  // And cachescope goes on: the next kernel runs.
  CHECK(bench(load("naive"), 16, 1).outcome == Outcome::Ok);
}

TEST_CASE("an endless kernel is killed at the time limit", "[userkernels]") {
  ShortLimits limits;
  const Kernel& k = load("spin");
  CHECK_FALSE(k.traceable());  // a plain function: untraced
  const BenchRecord r = bench(k, 8);
  CHECK(r.outcome == Outcome::Failed);
  CHECK(r.failure == "timed out after 2 s in user.spin at n=1");
}

TEST_CASE("a plain function is timed but untraced", "[userkernels]") {
  const Kernel& k = load("plain_relu");
  CHECK(k.info.family == Family::Relu);
  CHECK_FALSE(k.traceable());
  CHECK(k.info.traceNote.find("untraced") != std::string::npos);
  const BenchRecord r = bench(k, 64);
  INFO(r.failure);
  CHECK(r.outcome == Outcome::Ok);
  CHECK(r.timesS.size() == 2);
  trace::KernelTraceSpec spec;
  spec.kernel = k.info.id;
  CHECK_THROWS_WITH(trace::resolveKernel(spec), Catch::Contains("cannot be traced"));
}

TEST_CASE("a user nest traces exactly like the built-in nest it copies", "[userkernels]") {
  const Kernel& k = load("naive");
  auto simulate = [](const std::string& id) {
    trace::SimulationRequest req;
    req.kernel.kernel = id;
    req.kernel.n = 40;
    req.cache.levels.push_back(sim::parseLevelSpec("4K:4:64", "L1"));
    req.missClasses = true;
    return trace::simulate(req);
  };
  const trace::SimulationResult mine = simulate(k.info.id);
  const trace::SimulationResult builtin = simulate("matmul.naive");
  REQUIRE(mine.outcome == Outcome::Ok);
  CHECK(mine.references == 2ull * 40 * 40 * 40 + 40 * 40);
  CHECK(mine.references == builtin.references);
  CHECK(mine.writes == builtin.writes);
  REQUIRE(mine.levels.size() == 1);
  CHECK(mine.levels[0].hits == builtin.levels[0].hits);
  CHECK(mine.levels[0].misses == builtin.levels[0].misses);
  CHECK(mine.levels[0].conflict == builtin.levels[0].conflict);
  CHECK(mine.outerCount == 40);
  // The code text is the example's source: its acc.line(__LINE__ + 3) on line 14 names line 17, index 16.
  const std::vector<std::string>& code = k.trace->code;
  REQUIRE(code.size() > 20);
  CHECK(code[16].find("sum += acc.load") != std::string::npos);
}

TEST_CASE("a shared object without the exported kernel is one line, exit 2", "[userkernels]") {
  const Built& b = built();
  CHECK_THROWS_WITH(userkernels::loadPlugin(b.object.at("nosym")), Catch::Contains("no kernel exported"));
  const Run r = runCli("bench --plugin '" + b.object.at("nosym") + "' --kernels matmul.naive --n 8");
  CHECK(r.status == 2);
  CHECK(r.err.find('\n') == r.err.size() - 1);
  CHECK(r.err.find("no kernel exported") != std::string::npos);
}

TEST_CASE("a source that does not compile shows the compiler's file:line, then one line, exit 2", "[userkernels]") {
  const Built& b = built();
  const Run r = runCli("kernel build '" + b.source.at("bad") + "'", "XDG_CACHE_HOME='" + b.dir + "'");
  CHECK(r.status == 2);
  CHECK(r.err.find(b.source.at("bad") + ":4:") != std::string::npos);
  CHECK(lastLine(r.err).rfind("cachescope: error: ", 0) == 0);
  CHECK(lastLine(r.err).find("does not compile") != std::string::npos);
}

TEST_CASE("a missing compiler is one line, exit 2", "[userkernels]") {
  const Built& b = built();
  const Run r = runCli("kernel build '" + b.source.at("naive") + "'",
                           "XDG_CACHE_HOME='" + b.dir + "/other' CXX=/nonexistent/c++");
  CHECK(r.status == 2);
  CHECK(r.err == "cachescope: error: no C++ compiler: '/nonexistent/c++' is not on PATH (install g++ or set CXX)\n");
}

TEST_CASE("bench and list take a plugin beside the built-in kernels", "[userkernels]") {
  const Built& b = built();
  const Run list = runCli("list --plugin '" + b.object.at("naive") + "' --format json");
  CHECK(list.status == 0);
  CHECK(list.out.find("\"user.naive\"") != std::string::npos);
  const Run r = runCli("bench --plugin '" + b.object.at("buggy") + "' --plugin '" + b.object.at("blocked") +
                           "' --kernels user.blocked,user.buggy,matmul.naive --n 16 --reps 1 --format csv --quiet");
  CHECK(r.status == 1);  // one failed record
  CHECK(r.out.find("user.blocked") != std::string::npos);
  CHECK(r.out.find("wrong result at C[0][0]") != std::string::npos);
}
