#include <catch2/catch.hpp>

#include "bench/runner.hpp"

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
  CHECK_THROWS_WITH(plan(s), Catch::Contains("32, 8 or 4"));
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
