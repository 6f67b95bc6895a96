#include <catch2/catch.hpp>

#include "bench/runner.hpp"
#include "bench/run_warnings.hpp"
#include "platform/host.hpp"

using namespace cachescope;

TEST_CASE("a sweep expands only the parameters a kernel uses", "[bench][runner]") {
  SweepSpec spec;
  spec.kernels = {"matmul.naive", "matmul.blocked"};
  spec.n = {16, 32};
  spec.block = {4, 8, 16};
  spec.threads = {1, 2};
  std::vector<Job> jobs = planSweep(spec);
  // n outermost; naive ignores block and threads: 1 job per n; blocked uses
  // both: 3 blocks x 2 thread counts per n, threads innermost.
  REQUIRE(jobs.size() == 2 * (1 + 3 * 2));
  CHECK(jobs[0].kernel->info.id == "matmul.naive");
  CHECK(jobs[0].params.n == 16);
  CHECK(jobs[0].params.threads == 1);
  CHECK(jobs[1].kernel->info.id == "matmul.blocked");
  CHECK(jobs[1].params.block == 4);
  CHECK(jobs[1].params.threads == 1);
  CHECK(jobs[2].params.threads == 2);
  CHECK(jobs[6].params.block == 16);
  CHECK(jobs[7].kernel->info.id == "matmul.naive");
  CHECK(jobs[7].params.n == 32);
  CHECK(jobs[7].params.threads == 1);
}

TEST_CASE("planSweep rejects bad values with a usage error", "[bench][runner]") {
  auto plan = [](SweepSpec s) { return planSweep(s); };
  SweepSpec s;
  CHECK_THROWS_AS(plan(s), UsageError);  // no kernels
  s.kernels = {"matmul.naive"};
  s.n = {-1};
  CHECK_THROWS_WITH(plan(s), Catch::Contains("--n must be > 0"));
  s.n = {8};
  s.density = {0.0};
  CHECK_THROWS_WITH(plan(s), Catch::Contains("(0, 1]"));
  s.density = {};
  s.bits = {7};
  CHECK_THROWS_WITH(plan(s), Catch::Contains("32, 16, 8 or 4"));
}

TEST_CASE("planSweep refuses more than kMaxSweepJobs jobs, counted before building them", "[bench][runner]") {
  SweepSpec s;
  s.kernels = {"matmul.blocked"};
  for (int n = 1; n <= 100; ++n) s.n.push_back(n);
  for (int b = 1; b <= 100; ++b) s.block.push_back(b);
  CHECK(planSweep(s).size() == kMaxSweepJobs);  // 100 x 100: the bound itself
  s.block.push_back(101);
  CHECK_THROWS_WITH(planSweep(s), Catch::Contains("10100 jobs") && Catch::Contains("at most 10000"));
  // A kernel is counted only over the lists it uses: naive ignores block.
  s.kernels = {"matmul.naive"};
  s.n.resize(100);
  CHECK(planSweep(s).size() == 100);
}

TEST_CASE("the run-time estimate counts every run and the reference check", "[bench][runner]") {
  SweepSpec s;
  s.kernels = {"matmul.naive"};
  s.n = {100, 200};
  const std::vector<Job> jobs = planSweep(s);
  SweepEstimate e = estimateSweep(jobs, RunOptions{1, 5});
  CHECK(e.runs == 12);
  const double work = 6 * (2.0 * 100 * 100 * 100 + 2.0 * 200 * 200 * 200);
  CHECK(e.seconds == Approx(work / kEstimateRate));
  // As runJob: a negative warmup is none, reps at least one.
  CHECK(estimateSweep(jobs, RunOptions{-3, 0}).runs == 2);
  // Quantized results are checked against the fp32 reference (2n^3 more).
  if (findKernel("matmul.int8")) {
    s.kernels = {"matmul.int8"};
    s.n = {64};
    const std::vector<Job> q = planSweep(s);
    CHECK(estimateSweep(q, RunOptions{0, 1}).seconds ==
          Approx((q[0].kernel->work(q[0].params) + 2.0 * 64 * 64 * 64) / kEstimateRate));
  }
}

TEST_CASE("runJob times reps after warmup and reports progress", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.reordered");
  REQUIRE(k);
  Problem p = makeProblem(Family::Matmul, 24);
  int calls = 0, lastRun = -1;
  ProgressFn progress = [&](const Progress& pr) {
    ++calls;
    lastRun = pr.run;
    CHECK(pr.runs == 2 + 4);
  };
  BenchRecord r = runJob(Job{k, Params{24}}, p, RunOptions{2, 4}, nullptr, progress);
  CHECK(r.failure.empty());
  CHECK(r.timesS.size() == 4);
  CHECK(r.reps == 4);
  CHECK(r.warmup == 2);
  CHECK(calls == 1 + 6);
  CHECK(lastRun == 6);
  CHECK(r.medianS > 0);
  CHECK(r.minS <= r.medianS);
  CHECK(r.medianS <= r.maxS);
  CHECK(r.rate == Approx(2.0 * 24 * 24 * 24 / r.medianS / 1e9));
  CHECK(r.unit == "GFLOP/s");
  CHECK_FALSE(r.block.has_value());  // reordered does not use block
}

TEST_CASE("runJob with a minimum sample time: each repetition is the mean of enough back-to-back runs",
          "[bench][runner]") {
  const Kernel* k = findKernel("matmul.reordered");
  REQUIRE(k);
  Problem p = makeProblem(Family::Matmul, 16);  // a few microseconds a run
  int runs = 0;
  ProgressFn progress = [&](const Progress& pr) { runs = pr.run; };
  // Batching calibrates on two warmup runs, so none asked still makes two.
  const BenchRecord r = runJob(Job{k, Params{16}}, p, RunOptions{0, 3, 0.002}, nullptr, progress);
  REQUIRE(r.failure.empty());
  CHECK(r.warmup == 2);
  CHECK(runs == 2 + 3);
  REQUIRE(r.timesS.size() == 3);
  CHECK(r.runsPerRep > 1);
  CHECK(r.runsPerRep <= 100000);
  // The sample (runs x mean time) lasts about the minimum: the calibration
  // is the warmup's time, which a warm cache only shortens.
  CHECK(r.runsPerRep * r.medianS > 0.0005);
  // Without it, one run a repetition.
  const BenchRecord one = runJob(Job{k, Params{16}}, p, RunOptions{0, 3}, nullptr);
  CHECK(one.runsPerRep == 1);
  CHECK(one.warmup == 0);
}

TEST_CASE("a cancelled run stops and says so", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.naive");
  Problem p = makeProblem(Family::Matmul, 8);
  std::atomic<bool> cancel{false};
  ProgressFn progress = [&](const Progress& pr) {
    if (pr.run == 2) cancel = true;
  };
  BenchRecord r = runJob(Job{k, Params{8}}, p, RunOptions{0, 100}, &cancel, progress);
  CHECK(r.outcome == Outcome::Cancelled);
  CHECK(r.failure.empty());
  CHECK(r.timesS.size() == 2);

  std::vector<Job> jobs = {Job{k, Params{8}}, Job{k, Params{16}}};
  cancel = true;
  std::vector<BenchRecord> all = runSweep(jobs, RunOptions{0, 3}, &cancel);
  REQUIRE(all.size() == 1);  // the sweep stops at the first cancelled job
  CHECK(all[0].outcome == Outcome::Cancelled);
}

TEST_CASE("a kernel failure becomes a record, not an exception", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.blocked");
  Problem p = makeProblem(Family::Matmul, 8);
  Params bad{8};
  bad.block = 0;
  BenchRecord r;
  REQUIRE_NOTHROW(r = runJob(Job{k, bad}, p, RunOptions{0, 1}));
  CHECK(r.outcome == Outcome::Failed);
  CHECK_THAT(r.failure, Catch::Contains("block"));
}

// [SECTION] footprints, sparse work, warnings, cancellation inside a run

#include <chrono>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "bench/run_warnings.hpp"
#include "kernels/csr.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"

TEST_CASE("every registered kernel states the footprint of its operands", "[bench][runner]") {
  for (const Kernel& k : kernels()) {
    INFO(k.info.id);
    REQUIRE(k.footprint);
    const Params p{64};
    CHECK(k.footprint(p, std::nullopt) > 0);
  }
}

TEST_CASE("runJob records footprints: fp32 8n^2, int8 2n^2 + scales, int4 half, CSR, relu", "[bench][runner]") {
  const int n = 64;
  Problem mm = makeProblem(Family::Matmul, n);
  Problem relu = makeProblem(Family::Relu, n);
  auto footprintOf = [&](const char* id, Params p) {
    const Kernel* k = findKernel(id);
    REQUIRE(k);
    BenchRecord r = runJob(Job{k, p}, k->info.family == Family::Matmul ? mm : relu, RunOptions{0, 1});
    REQUIRE(r.outcome == Outcome::Ok);
    REQUIRE(r.footprintBytes);
    REQUIRE(r.fp32FootprintBytes);
    CHECK(*r.fp32FootprintBytes == (k->info.family == Family::Matmul ? 8.0 : 4.0) * n * n);
    return *r.footprintBytes;
  };
  const double nn = double(n) * n;
  CHECK(footprintOf("matmul.blocked", Params{n}) == 8 * nn);
  Params bits8{n};
  bits8.bits = 8;
  CHECK(footprintOf("matmul.int8", bits8) == 2 * nn + 8.0 * n);  // one float scale per row of A and column of B
  Params bits4{n};
  bits4.bits = 4;
  CHECK(footprintOf("matmul.int4", bits4) == nn + 8.0 * n);
  CHECK(footprintOf("relu.naive", Params{n}) == 4 * nn);
  CHECK(footprintOf("relu.int8", Params{n}) == nn + 4);
  Params sparse{n};
  sparse.density = 0.25;
  const std::size_t nnz = pruneToCsr(mm.a.data(), n, n, std::size_t(n), 0.25).nnz();
  CHECK(footprintOf("matmul.sparse", sparse) == nnz * 8.0 + (n + 1) * 4.0 + 4 * nn);
}

TEST_CASE("a sparse run counts its nonzero work and reports the dense-equivalent rate", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.sparse");
  REQUIRE(k);
  const int n = 96;
  Problem p = makeProblem(Family::Matmul, n);
  Params q{n};
  q.density = 0.1;
  BenchRecord r = runJob(Job{k, q}, p, RunOptions{0, 2});
  REQUIRE(r.outcome == Outcome::Ok);
  const std::size_t nnz = pruneToCsr(p.a.data(), n, n, std::size_t(n), 0.1).nnz();
  CHECK(r.work == 2.0 * double(nnz) * n);
  CHECK(r.rate == Approx(r.work / r.medianS / 1e9));
  REQUIRE(r.denseEquivalentRate);
  CHECK(*r.denseEquivalentRate == Approx(2.0 * n * n * n / r.medianS / 1e9));
  CHECK(*r.denseEquivalentRate > 5 * r.rate);  // about 1 / density
  // A dense kernel has no dense-equivalent rate.
  BenchRecord d = runJob(Job{findKernel("matmul.reordered"), Params{n}}, p, RunOptions{0, 1});
  CHECK_FALSE(d.denseEquivalentRate);
  CHECK(d.work == 2.0 * n * n * n);
}

TEST_CASE("a block wider than n runs and is recorded as n, with a warning", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.blocked");
  Problem p = makeProblem(Family::Matmul, 64);
  Params q{64};
  q.block = 1000;
  BenchRecord r = runJob(Job{k, q}, p, RunOptions{0, 1});
  REQUIRE(r.outcome == Outcome::Ok);
  CHECK(r.block == 64);
  REQUIRE_FALSE(r.warnings.empty());
  CHECK_THAT(r.warnings[0], Catch::Contains("block 1000") && Catch::Contains("ran with block 64"));
  q.block = 16;
  CHECK(runJob(Job{k, q}, p, RunOptions{0, 1}).block == 16);
}

TEST_CASE("a Cancelled thrown inside a run ends the job as cancelled", "[bench][runner]") {
  // A test-only kernel whose run polls the flag, as the long kernels do; it
  // raises the flag itself on its 3rd run, then polls for up to 5 s. Without
  // the runner's CancelScope the poll sees nothing, that run ends and is
  // timed (3 times instead of 2), and the flag is only seen between runs.
  static std::atomic<bool> cancel{false};
  static int runs = 0;
  struct Polling final : Prepared {
    void run() override {
      if (++runs < 3) return;
      cancel = true;
      const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (std::chrono::steady_clock::now() < end) throwIfCancelled();
    }
    std::vector<float> output() const override { return {}; }
    std::vector<float> expected() const override { return {}; }
    double tolerance() const override { return 0; }
  };
  Kernel k;
  k.info.id = "test.polling";
  k.prepare = [](const Problem&, const Params&) -> std::unique_ptr<Prepared> { return std::make_unique<Polling>(); };
  k.work = matmulWork;
  k.extraBytes = matmulExtraBytes;
  k.footprint = fp32MatmulFootprint;
  Problem p = makeProblem(Family::Matmul, 4);
  runs = 0;
  cancel = false;
  BenchRecord r = runJob(Job{&k, Params{4}}, p, RunOptions{0, 10}, &cancel);
  CHECK(r.outcome == Outcome::Cancelled);
  CHECK(r.failure.empty());
  CHECK(r.timesS.size() == 2);  // the two runs before it
  CHECK_FALSE(cancelRequested());  // the scope is gone with the job
}

TEST_CASE("warning rules: spread over max/min 1.5, load at least the cores", "[bench][runner]") {
  CHECK_FALSE(spreadWarning({0.010, 0.012, 0.014}));  // 1.4x
  CHECK_FALSE(spreadWarning({0.010}));                // one rep has no spread
  auto w = spreadWarning({0.010, 0.016, 0.011});
  REQUIRE(w);
  CHECK_THAT(*w, Catch::Contains("1.60x") && Catch::Contains("max/min 1.5x"));
  CHECK_FALSE(busyMachineWarning(1.9, 2));
  CHECK_FALSE(busyMachineWarning(std::nullopt, 2));
  auto b = busyMachineWarning(2.5, 2);
  REQUIRE(b);
  CHECK_THAT(*b, Catch::Contains("load average 2.50 on 2 cores") && Catch::Contains("load >= cores"));

  const std::string path = "/tmp/cachescope-loadavg-" + std::to_string(::getpid());
  std::ofstream(path) << "3.25 1.00 0.50 2/345 6789\n";
  CHECK(loadAverage1(path) == Approx(3.25));
  std::ofstream(path) << "garbage\n";
  CHECK_FALSE(loadAverage1(path));
  std::remove(path.c_str());
  CHECK_FALSE(loadAverage1("/nonexistent/loadavg"));
}

TEST_CASE("runJob warns of a busy machine from the load it is given", "[bench][runner]") {
  const Kernel* k = findKernel("matmul.reordered");
  Problem p = makeProblem(Family::Matmul, 16);
  const double busy = host().logicalCores + 1.0, idle = 0.0;
  auto has = [](const BenchRecord& r, const char* what) {
    for (const std::string& w : r.warnings)
      if (w.find(what) != std::string::npos) return true;
    return false;
  };
  CHECK(has(runJob(Job{k, Params{16}}, p, RunOptions{0, 1}, nullptr, {}, 0, 1, busy), "busy machine"));
  CHECK_FALSE(has(runJob(Job{k, Params{16}}, p, RunOptions{0, 1}, nullptr, {}, 0, 1, idle), "busy machine"));
}

TEST_CASE("planSweep refuses more threads than cores, naming the count", "[bench][runner]") {
  SweepSpec s;
  s.kernels = {"matmul.blas"};
  s.threads = {host().logicalCores + 1};
  CHECK_THROWS_WITH(planSweep(s), Catch::Contains("more than this machine's " + std::to_string(host().logicalCores)));
  s.threads = {host().logicalCores};
  CHECK(planSweep(s).size() == 1);
}

TEST_CASE("parameters no selected kernel uses are refused, partly used ones noted", "[bench][runner]") {
  SweepSpec s;
  s.kernels = {"matmul.naive", "matmul.reordered"};
  s.threads = {1};
  CHECK_THROWS_WITH(parameterUseNotes(s), Catch::Contains("--threads is used by none of the selected kernels") &&
                                              Catch::Contains("matmul.blas"));
  s.threads = {};
  s.bits = {8};
  CHECK_THROWS_WITH(parameterUseNotes(s), Catch::Contains("--bits") && Catch::Contains("matmul.int8"));
  s.bits = {};
  s.density = {0.5};
  CHECK_THROWS_WITH(parameterUseNotes(s), Catch::Contains("--density") && Catch::Contains("matmul.sparse"));
  s.density = {};
  s.block = {16};
  CHECK_THROWS_WITH(parameterUseNotes(s), Catch::Contains("--block") && Catch::Contains("matmul.blocked"));
  s.kernels = {"matmul.naive", "matmul.blocked", "matmul.reordered"};
  std::vector<std::string> notes = parameterUseNotes(s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "--block is ignored by matmul.naive, matmul.reordered (--block applies to matmul.blocked)");
  s.block = {};
  CHECK(parameterUseNotes(s).empty());  // nothing given, nothing to say
}

// [SECTION] unreliable numbers: spread, load, steal

TEST_CASE("unreliable: a wide relative spread is flagged, a tight one is not", "[bench]") {
  // (max - min) / median: 0.012 - 0.010 over 0.0105 = 19%.
  const std::vector<double> wide = {0.010, 0.0105, 0.012, 0.0104, 0.0106};
  const std::vector<double> tight = {0.0100, 0.0101, 0.0102, 0.0100, 0.0101};
  REQUIRE(relativeSpread(wide));
  CHECK(*relativeSpread(wide) == Approx(0.002 / 0.0105));
  CHECK(unreliableReason(wide, 0.1, 2, 0.0) == "spread 19% > 10%");
  CHECK(unreliableReason(tight, 0.1, 2, 0.0).empty());
  // Two reps are too few to call a spread; the load and steal rules still apply.
  CHECK(unreliableReason({0.01, 0.02}, std::nullopt, 2, std::nullopt).empty());
  CHECK(unreliableReason(tight, 2.4, 2, std::nullopt) == "load 2.40 >= 2 cores");
  CHECK(unreliableReason(wide, 3.0, 2, 0.07) == "spread 19% > 10%; load 3.00 >= 2 cores; steal 7% > 5%");
}

TEST_CASE("unreliable: steal share from two fake /proc/stat texts", "[bench]") {
  const std::string before =
      "cpu  100 0 50 800 10 0 0 40 0 0\ncpu0 50 0 25 400 5 0 0 20 0 0\nintr 12345\n";
  const std::string after =
      "cpu  150 0 70 900 10 0 0 70 0 0\ncpu0 75 0 35 450 5 0 0 35 0 0\nintr 12399\n";
  auto b = parseCpuTimes(before), a = parseCpuTimes(after);
  REQUIRE(b);
  REQUIRE(a);
  CHECK(b->total == 1000);
  CHECK(b->steal == 40);
  // 30 stolen of 200 jiffies.
  REQUIRE(stealShare(b, a));
  CHECK(*stealShare(b, a) == Approx(0.15));
  CHECK_FALSE(stealShare(a, b));  // time never runs backwards
  CHECK_FALSE(stealShare(std::nullopt, a));
  CHECK_FALSE(parseCpuTimes("intr 1 2 3\n"));
  // An old kernel without the steal column: no steal, still a total.
  auto old = parseCpuTimes("cpu  1 2 3 4\n");
  REQUIRE(old);
  CHECK(old->total == 10);
  CHECK(old->steal == 0);
}

TEST_CASE("unreliable: the runner records the SIMD path and the rule's verdict", "[bench]") {
  SweepSpec spec;
  spec.kernels = {"matmul.packed", "matmul.naive", "relu.simd"};
  spec.n = {32};
  RunOptions o;
  o.warmup = 0;
  o.reps = 3;
  std::vector<BenchRecord> rs = runSweep(planSweep(spec), o);
  REQUIRE(rs.size() == 3);
  const std::string active = toString(activeSimd());
  CHECK(rs[0].simdPath == active);
  CHECK(rs[1].simdPath == "none");
  CHECK(rs[2].simdPath == active);
  for (const BenchRecord& r : rs) {
    const bool warned = std::any_of(r.warnings.begin(), r.warnings.end(),
                                    [](const std::string& w) { return w.rfind("unreliable: ", 0) == 0; });
    CHECK(warned == !r.unreliable.empty());
    const bool wide = relativeSpread(r.timesS).value_or(0.0) > kUnreliableSpread;
    CHECK(wide == (r.unreliable.find("spread") != std::string::npos));
  }
}
