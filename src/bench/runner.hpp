// The benchmark runner: warmup, repetitions, cooperative cancellation and
// progress, every run inside a tbb::task_arena of the requested size. The CLI
// and the GUI worker both call it, so their numbers come from one code path.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/param_list.hpp"
#include "kernels/registry.hpp"
#include "report/record.hpp"

namespace cachescope {

struct RunOptions {
  int warmup = 1;
  int reps = 5;
  // 0: one run per repetition (bench). Above 0: each repetition times as
  // many back-to-back runs as the warmup says take at least this long and
  // records their mean, so that a run of a microsecond is not a reading of
  // the clock and of a worker's wake-up (tune and its check use 2 ms).
  double minSampleS = 0;
};

// A benchmark request as the CLI (or a GUI sweep) states it: lists per
// parameter. Empty lists mean "the default" (Params{} or the kernel's own).
struct SweepSpec {
  std::vector<std::string> kernels;
  std::vector<int> n, block, threads, bits;
  std::vector<double> density;
};

// A sweep larger than this is refused by planSweep: at 6 runs a job and a
// millisecond a run it is already a minute of tiny kernels, and beyond it a
// plan mostly comes from a range typed with +1 for x2.
inline constexpr std::size_t kMaxSweepJobs = 10000;

struct Job {
  const Kernel* kernel = nullptr;
  Params params;
};

// Expands kernels x the lists of the parameters each kernel uses (a kernel is
// not swept over parameters it ignores). Checks every value and that each
// job's data fits in available memory. Throws UsageError with a one-line
// message (unknown kernel with the nearest id, n <= 0, block/threads <= 0,
// threads above this machine's logical cores, bits not in {32, 8, 4} or not
// accepted by a kernel, density outside (0, 1], a job too large for memory,
// more than kMaxSweepJobs jobs).
std::vector<Job> planSweep(const SweepSpec& spec);

// For a request typed by a person (bench): each of block, threads, bits and
// density that was given but that no selected kernel uses is a UsageError
// naming the kernels that do use it; given and used by only some kernels, it
// gives one note naming those that ignore it (the returned lines, one per
// parameter, "--threads is ignored by matmul.naive (...)"). Unknown kernel
// ids are left to planSweep.
std::vector<std::string> parameterUseNotes(const SweepSpec& spec);

// Bytes a job needs at its peak (inputs, outputs, kernel buffers, reference).
double jobBytes(const Job& job);

// "n=1024 block=64": the parameters the job's kernel uses, as progress and
// notes name a job (a block wider than n as it will run: n).
std::string jobParamsText(const Job& job);

// How long a sweep may take, worked out before it starts so that a user can
// stop a run of hours at once. Honest only as an order of magnitude: every
// run (warmup and timed) and the fp32 reference that quantized and sparse
// results are checked against are counted at kEstimateRate units of work a
// second. That is conservative for the tuned kernels (tens of GFLOP/s on one
// core) and about right for the naive loops, which fall below it only at
// sizes far beyond the caches.
inline constexpr double kEstimateRate = 1e9;  // FLOP, OP or bytes per second

struct SweepEstimate {
  double runs = 0;      // kernel runs, warmups included
  double seconds = 0;   // at kEstimateRate
};

SweepEstimate estimateSweep(const std::vector<Job>& jobs, const RunOptions& options);

struct Progress {
  int job = 0, jobs = 1;        // current job index and count
  int run = 0, runs = 1;        // runs done of this job (warmup + reps)
  std::string kernel;
  double fraction() const { return (job + double(run) / std::max(runs, 1)) / std::max(jobs, 1); }
};

using ProgressFn = std::function<void(const Progress&)>;

// Runs one job. Never throws for a kernel failure: the record's outcome says
// Failed (with `failure`), or Cancelled when `cancel` became true between
// runs or inside one: the runs execute inside a CancelScope of `cancel`, so a
// kernel that polls throwIfCancelled() stops within one chunk of its work.
// The record carries the footprint of the operands (Kernel::footprint, and
// fp32's), for a sparse kernel the nonzero work (2 nnz n, from the stored
// nonzeros) and the dense-equivalent rate, and its warnings
// (run_warnings.hpp). A block wider than n runs, and is recorded, as n.
// `loadAtStart` is the 1-minute load average when the sweep started, for the
// busy-machine warning: runSweep reads it once before its first job, so its
// own runs do not count as "busy"; without it runJob reads /proc/loadavg.
BenchRecord runJob(const Job& job, const Problem& problem, const RunOptions& options,
                   const std::atomic<bool>* cancel = nullptr, const ProgressFn& progress = {},
                   int jobIndex = 0, int jobCount = 1, std::optional<double> loadAtStart = std::nullopt);

// Runs all jobs in order, sharing inputs between jobs of the same family and n;
// stops after the first cancelled one.
std::vector<BenchRecord> runSweep(const std::vector<Job>& jobs, const RunOptions& options,
                                  const std::atomic<bool>* cancel = nullptr, const ProgressFn& progress = {});

// Keeps the optimizer from discarding a computation whose result is unused.
inline void doNotOptimize(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

}  // namespace cachescope
