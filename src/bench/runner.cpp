#include "bench/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <new>
#include <set>

#include <tbb/task_arena.h>

#include "bench/run_warnings.hpp"
#include "bench/stats.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"

namespace cachescope {

namespace {

constexpr int kMaxN = 1 << 16;

bool errorVsFp32(const Kernel& k) { return k.info.quantized || k.uses(Param::Density); }

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

template <class T>
std::vector<T> orDefault(const std::vector<T>& list, T fallback) {
  return list.empty() ? std::vector<T>{fallback} : list;
}

}  // namespace

double jobBytes(const Job& job) {
  const Kernel& k = *job.kernel;
  double bytes = problemBytes(k.info.family, job.params.n) + k.extraBytes(job.params);
  // Checking against the reference keeps one more fp32 result.
  if (errorVsFp32(k)) bytes += double(job.params.n) * job.params.n * sizeof(float) * 2;
  return bytes;
}

std::vector<Job> planSweep(const SweepSpec& spec) {
  if (spec.kernels.empty()) throw UsageError("no kernels given (see 'cachescope list')");
  std::vector<const Kernel*> ks;
  for (const std::string& id : spec.kernels) {
    const Kernel* k = findKernel(id);
    if (!k) throw UsageError("unknown kernel '" + id + "' (did you mean '" + nearestKernelId(id) + "'?)");
    ks.push_back(k);
  }
  for (int n : spec.n)
    if (n <= 0) throw UsageError("--n must be > 0 (got " + std::to_string(n) + ")");
    else if (n > kMaxN) throw UsageError("--n " + std::to_string(n) + " is too large (at most " + std::to_string(kMaxN) + ")");
  for (int b : spec.block)
    if (b <= 0) throw UsageError("--block must be > 0 (got " + std::to_string(b) + ")");
  const int cores = std::max(1, host().logicalCores);
  for (int t : spec.threads)
    if (t <= 0) throw UsageError("--threads must be > 0 (got " + std::to_string(t) + ")");
    else if (t > cores)
      throw UsageError("--threads " + std::to_string(t) + " is more than this machine's " + std::to_string(cores) +
                       (cores == 1 ? " core" : " cores") + " (at most " + std::to_string(cores) + ")");
  for (int b : spec.bits)
    if (!isRunBits(b))
      throw UsageError(std::string("--bits must be ") + kRunBitsText + " (got " + std::to_string(b) + ")");
  for (double d : spec.density)
    if (!(d > 0.0 && d <= 1.0)) throw UsageError("--density must be in (0, 1] (got " + std::to_string(d) + ")");

  const Params defaults;
  // Bits each kernel runs with: its own default, or the requested values it accepts.
  std::vector<std::vector<int>> bitsOf;
  for (const Kernel* k : ks) {
    std::vector<int> bitsList = {defaults.bits};
    if (k->uses(Param::Bits)) {
      if (spec.bits.empty()) {
        bitsList = {k->info.bits.empty() ? defaults.bits : k->info.bits.front()};
      } else {
        bitsList.clear();
        for (int b : spec.bits)
          if (std::find(k->info.bits.begin(), k->info.bits.end(), b) != k->info.bits.end()) bitsList.push_back(b);
        if (bitsList.empty()) {
          std::string accepted;
          for (int b : k->info.bits) accepted += (accepted.empty() ? "" : ", ") + std::to_string(b);
          throw UsageError(k->info.id + " accepts --bits " + accepted + " only");
        }
      }
    }
    bitsOf.push_back(bitsList);
  }

  // The job count is the product of the lists each kernel uses: counted
  // before any job is built, so a sweep nobody could wait for (or hold in
  // memory) is refused at once. Counted in double: five lists of
  // kMaxListValues overflow 64 bits.
  const double nCount = double(orDefault(spec.n, defaults.n).size());
  auto countOf = [](bool used, std::size_t size) { return used && size > 0 ? double(size) : 1.0; };
  double jobCount = 0;
  for (std::size_t ki = 0; ki < ks.size(); ++ki) {
    const Kernel* k = ks[ki];
    jobCount += nCount * countOf(k->uses(Param::Block), spec.block.size()) *
                countOf(k->uses(Param::Threads), spec.threads.size()) * double(bitsOf[ki].size()) *
                countOf(k->uses(Param::Density), spec.density.size());
  }
  if (jobCount > double(kMaxSweepJobs)) {
    char count[32];
    std::snprintf(count, sizeof count, "%.0f", jobCount);
    throw UsageError("the sweep has " + std::string(count) + " jobs (kernels x the values of each list they use); " +
                     "a bench run takes at most " + std::to_string(kMaxSweepJobs) +
                     ": shorten a list or split the sweep");
  }

  // n outermost: kernels at the same size sit together (and share inputs).
  std::vector<Job> jobs;
  jobs.reserve(std::size_t(jobCount));
  for (int n : orDefault(spec.n, defaults.n)) {
    for (std::size_t ki = 0; ki < ks.size(); ++ki) {
      const Kernel* k = ks[ki];
      auto use = [&](Param p) { return k->uses(p); };
      for (int block : use(Param::Block) ? orDefault(spec.block, defaults.block) : std::vector<int>{defaults.block})
        for (int threads : use(Param::Threads) ? orDefault(spec.threads, defaults.threads) : std::vector<int>{1})
          for (int bits : bitsOf[ki])
            for (double density : use(Param::Density) ? orDefault(spec.density, defaults.density)
                                                      : std::vector<double>{defaults.density})
              jobs.push_back(Job{k, Params{n, block, threads, bits, density}});
    }
  }

  // Memory: the largest job must fit with room to spare.
  const std::uint64_t available = availableMemoryBytes();
  for (const Job& job : jobs) {
    const double need = jobBytes(job);
    if (!fitsMemoryBudget(need, available))
      throw UsageError(job.kernel->info.id + " at n=" + std::to_string(job.params.n) + " needs " + gib(need) +
                       " of memory but only " + gib(double(available)) + " is available");
  }
  return jobs;
}

std::vector<std::string> parameterUseNotes(const SweepSpec& spec) {
  std::vector<const Kernel*> ks;
  for (const std::string& id : spec.kernels)
    if (const Kernel* k = findKernel(id)) ks.push_back(k);
  if (ks.empty()) return {};
  struct Given {
    Param param;
    bool given;
  };
  const Given lists[] = {{Param::Block, !spec.block.empty()},
                         {Param::Threads, !spec.threads.empty()},
                         {Param::Bits, !spec.bits.empty()},
                         {Param::Density, !spec.density.empty()}};
  auto join = [](const std::vector<std::string>& ids) {
    std::string text;
    for (const std::string& id : ids) text += (text.empty() ? "" : ", ") + id;
    return text;
  };
  std::vector<std::string> notes;
  for (const Given& g : lists) {
    if (!g.given) continue;
    const std::string flag = std::string("--") + toString(g.param);
    std::vector<std::string> users, ignoring;
    for (const Kernel* k : ks) (k->uses(g.param) ? users : ignoring).push_back(k->info.id);
    if (users.empty()) {
      std::vector<std::string> all;
      for (const Kernel& k : kernels())
        if (k.uses(g.param)) all.push_back(k.info.id);
      throw UsageError(flag + " is used by none of the selected kernels (" + join(ignoring) + "); it applies to " +
                       join(all));
    }
    if (!ignoring.empty())
      notes.push_back(flag + " is ignored by " + join(ignoring) + " (" + flag + " applies to " + join(users) + ")");
  }
  return notes;
}

std::string jobParamsText(const Job& job) {
  const Kernel& k = *job.kernel;
  const Params& p = job.params;
  std::string text = "n=" + std::to_string(p.n);
  if (k.uses(Param::Block)) text += " block=" + std::to_string(p.n > 0 ? std::min(p.block, p.n) : p.block);
  if (k.uses(Param::Threads)) text += " threads=" + std::to_string(p.threads);
  if (k.uses(Param::Bits)) text += " bits=" + std::to_string(p.bits);
  if (k.uses(Param::Density)) {
    char d[32];
    std::snprintf(d, sizeof d, " density=%g", p.density);
    text += d;
  }
  return text;
}

SweepEstimate estimateSweep(const std::vector<Job>& jobs, const RunOptions& options) {
  // As runJob counts them: at least one timed run, never negative warmups.
  const double runsPerJob = std::max(0, options.warmup) + std::max(1, options.reps);
  SweepEstimate e;
  double work = 0;
  for (const Job& job : jobs) {
    const Kernel& k = *job.kernel;
    work += runsPerJob * k.work(job.params);
    if (errorVsFp32(k) && k.info.family == Family::Matmul) work += 2.0 * job.params.n * job.params.n * job.params.n;
    e.runs += runsPerJob;
  }
  e.seconds = work / kEstimateRate;
  return e;
}

BenchRecord runJob(const Job& job, const Problem& problem, const RunOptions& options, const std::atomic<bool>* cancel,
                   const ProgressFn& progress, int jobIndex, int jobCount, std::optional<double> loadAtStart) {
  const Kernel& k = *job.kernel;
  Params p = job.params;
  BenchRecord r;
  // A tile cannot be wider than the matrix: the kernel would run with n
  // anyway, so that is what is run and recorded.
  if (k.uses(Param::Block) && p.block > p.n && p.n > 0) {
    r.warnings.push_back(clampedBlockWarning(p.block, p.n, p.n));
    p.block = p.n;
  }
  r.kernel = k.info.id;
  r.n = p.n;
  if (k.uses(Param::Block)) r.block = p.block;
  if (k.uses(Param::Threads)) r.threads = p.threads;
  if (k.uses(Param::Bits)) r.bits = p.bits;
  if (k.uses(Param::Density)) r.density = p.density;
  // Batched repetitions calibrate on the faster of at least two warmup runs:
  // the first in a fresh arena can wait milliseconds for its workers, and
  // calibrated on that alone a repetition would be one run with the stall.
  r.warmup = std::max(options.minSampleS > 0 ? 2 : 0, options.warmup);
  r.reps = std::max(1, options.reps);
  r.unit = rateUnit(k.info.unit);
  r.work = k.work(p);
  const std::optional<double> load = loadAtStart ? loadAtStart : loadAverage1();

  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  Progress prog{jobIndex, jobCount, 0, r.warmup + r.reps, k.info.id};
  if (progress) progress(prog);

  try {
    CancelScope scope(cancel);  // kernels poll it inside a run (throwIfCancelled)
    tbb::task_arena arena(std::max(1, p.threads));
    std::unique_ptr<Prepared> prepared;
    arena.execute([&] { prepared = k.prepare(problem, p); });
    const std::optional<std::size_t> nonzeros = prepared->storedNonzeros();
    if (const std::optional<KernelChoice> c = prepared->choice()) {
      r.chosenKernel = c->kernel;
      r.choiceReason = c->reason;
    }
    if (k.footprint) r.footprintBytes = k.footprint(p, nonzeros);
    r.fp32FootprintBytes = fp32Footprint(k.info.family, p);
    // A sparse kernel's work is what it does: 2 flops per stored nonzero of
    // A and column of B.
    if (nonzeros && k.info.family == Family::Matmul) r.work = 2.0 * double(*nonzeros) * double(p.n);
    r.simdPath = prepared->simdPath();
    const std::optional<CpuTimes> cpuBefore = readCpuTimes();
    using Clock = std::chrono::steady_clock;
    // Runs per repetition: 1, or with minSampleS enough to fill it (from the
    // fastest warmup run; a kernel that times itself (a child process) is
    // run once per repetition).
    int perSample = 1;
    double fastestWarm = 0;
    const int warmups = r.warmup;
    for (int i = 0; i < warmups + r.reps; ++i) {
      if (cancelled()) {
        r.outcome = Outcome::Cancelled;
        return r;
      }
      const bool timed = i >= warmups;
      const int runs = timed ? perSample : 1;
      auto t0 = Clock::now();
      arena.execute([&] {
        for (int j = 0; j < runs; ++j) prepared->run();
      });
      auto t1 = Clock::now();
      doNotOptimize(prepared.get());
      const std::optional<double> self = prepared->selfTimedSeconds();
      const double s = self.value_or(std::chrono::duration<double>(t1 - t0).count() / runs);
      if (timed) {
        r.timesS.push_back(s);
      } else if (options.minSampleS > 0 && !self) {
        fastestWarm = fastestWarm > 0 ? std::min(fastestWarm, s) : s;
        if (i + 1 == warmups)
          perSample = int(std::clamp(std::ceil(options.minSampleS / std::max(fastestWarm, 1e-9)), 1.0, 100000.0));
      }
      prog.run = i + 1;
      if (progress) progress(prog);
    }
    r.runsPerRep = perSample;
    Stats s = summarize(r.timesS);
    r.medianS = s.median;
    r.meanS = s.mean;
    r.stddevS = s.stddev;
    r.minS = s.min;
    r.maxS = s.max;
    r.rate = s.median > 0 ? r.work / s.median / 1e9 : 0.0;
    if (nonzeros && k.info.family == Family::Matmul && s.median > 0)
      r.denseEquivalentRate = matmulWork(p) / s.median / 1e9;
    if (auto w = spreadWarning(r.timesS)) r.warnings.push_back(*w);
    if (auto w = busyMachineWarning(load, host().logicalCores)) r.warnings.push_back(*w);
    r.unreliable = unreliableReason(r.timesS, load, host().logicalCores, stealShare(cpuBefore, readCpuTimes()));
    if (!r.unreliable.empty())
      r.warnings.push_back("unreliable: " + r.unreliable + " (rules: spread (max-min)/median > 10%, load >= cores, "
                           "steal > 5%; nothing is pinned)");
    if (errorVsFp32(k)) {
      std::vector<float> ref = k.info.family == Family::Matmul
                                   ? referenceMatmul(p.n, problem.a.data(), problem.b.data())
                                   : referenceRelu(problem.a.size(), problem.a.data());
      ErrorStats e = compareOutputs(prepared->output(), ref);
      r.errMaxAbs = e.maxAbs;
      r.errRelative = e.relative;
    }
  } catch (const Cancelled&) {  // a kernel saw the flag inside a run
    r.outcome = Outcome::Cancelled;
  } catch (const std::bad_alloc&) {
    r.outcome = Outcome::Failed;
    r.failure = "out of memory";
  } catch (const std::exception& e) {
    r.outcome = Outcome::Failed;
    r.failure = e.what();
  }
  return r;
}

std::vector<BenchRecord> runSweep(const std::vector<Job>& jobs, const RunOptions& options,
                                  const std::atomic<bool>* cancel, const ProgressFn& progress) {
  std::vector<BenchRecord> out;
  const std::optional<double> load = loadAverage1();  // before any of our own runs add to it
  std::map<std::pair<Family, int>, Problem> problems;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& job = jobs[i];
    auto key = std::make_pair(job.kernel->info.family, job.params.n);
    auto it = problems.find(key);
    if (it == problems.end()) {
      problems.clear();  // keep one problem alive: large sweeps must not pile up inputs
      it = problems.emplace(key, makeProblem(key.first, key.second)).first;
    }
    out.push_back(runJob(job, it->second, options, cancel, progress, int(i), int(jobs.size()), load));
    if (out.back().outcome == Outcome::Cancelled) break;
  }
  return out;
}

}  // namespace cachescope
