// Measuring the dispatch table (kernels/dispatch.hpp) and checking the
// dispatcher against it: `cachescope tune` and `tune --check`. Every time
// comes from runJob, the bench runner's protocol (warmup, repetitions,
// median), inside an arena of the point's thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/runner.hpp"
#include "kernels/dispatch.hpp"

namespace cachescope {

// After every point is measured, the candidates within this factor of a
// point's winner are timed again at that point, head to head in fresh
// interleaved rounds, and those times decide it. A time copied from
// density 1 or from the first thread count was measured seconds apart from
// the one it is compared with (on a shared 2-vCPU guest a 1.6x swing: n=512
// packed 2.2 ms in one tune, 1.4 ms in the check after it), and the
// closest calls are where that decides the winner. About 5 s more on the
// default grid (90 of 198 points, 255 measurements, on a Zen 5 EPYC). A
// kernel's rounds are pooled over the contests where its run is the same
// (a dense kernel at each density): one time for it there, their median.
inline constexpr double kTuneContestFactor = 1.5;

struct TuneSpec {
  // Half-octave steps: kernels cross over within a factor of 2 in n (the
  // parallel kernel overtakes the packed one between 128 and 256 on two
  // threads), and performance is not smooth in n (sizes that are not a
  // multiple of the micro-tile run a slower edge), so a 2x grid mispredicted
  // by up to 1.5x between its points.
  std::vector<int> n = {32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
  std::vector<int> threads;                  // empty: 1 .. this machine's cores (at most 2)
  std::vector<int> bits = {32, 8, 4};
  // 1 is always added (the dense points). Close steps from 0.1 to 1, where
  // CSR and the dense kernels cross over (log-log interpolation across 0.2
  // to 0.5 chose CSR 1.4x slower than the library at 0.32).
  std::vector<double> density = {0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.7};
  double contestFactor = kTuneContestFactor;  // <= 1: no head-to-head pass
};

// A candidate more than this many times slower than a point's winner is not
// measured at the next larger n of the same (bits, threads, density): the
// naive loops lose by 10-100x from n = 64 on, and timing them at n = 512
// would be most of a tune's time. The table records it under "skipped".
// A time copied from another thread count or density is never pruned (it
// costs nothing).
inline constexpr double kTunePruneFactor = 4.0;
// ... judged from this n on only: below it a run lasts microseconds and a
// kernel's fixed costs (a second worker's wake-up) rank it, not its loops;
// pruned there, a two-thread kernel was never measured at n = 1024.
inline constexpr int kTunePruneFromN = 128;

// Each timed repetition of tune and of its check lasts at least this long
// (RunOptions::minSampleS): a matmul at n = 32 takes about a microsecond,
// which alone is a reading of the clock and, on two threads, of a worker's
// wake-up; back-to-back runs for 2 ms measure the kernel.
inline constexpr double kTuneMinSampleS = 0.002;

// Checks the lists (n > 0, threads 1 .. cores, bits 32/8/4, density in
// (0, 1]); throws UsageError naming the flag.
void checkTuneSpec(const TuneSpec& spec);

struct TuneProgress {
  int job = 0, jobs = 1;  // measurements done / planned (an upper bound: pruning skips some)
  std::string what;       // "matmul.blas n=256 threads=2"
};
using TuneProgressFn = std::function<void(const TuneProgress&)>;

// Measures every candidate at every grid point (bits x threads x n x density;
// quantized widths at density 1 only) and returns the table for this host:
// a point's candidates in `options.reps` interleaved rounds (one repetition
// each, shuffled order), each candidate's median over the rounds.
// A kernel that ignores threads is measured at the first thread count and
// its time copied to the others, a dense kernel at density 1 and copied to
// the lower densities (its run does not depend on either); then each close
// point's contenders head to head (kTuneContestFactor). Throws Cancelled
// when `cancel` became true, RunFailure when a point has no successful run.
DispatchTable tuneDispatch(const TuneSpec& spec, const RunOptions& options, const TuneProgressFn& progress = {},
                           const std::atomic<bool>* cancel = nullptr);

// Who is timed again at `point` (one of `points`) in the head-to-head pass:
// the candidates within `factor` of its winner, and the winners of its
// neighbours (the nearest n below and above at its density, the nearest
// density below and above at its n; same bits and threads) where they have
// a time here: one burst can time a kernel 2x slow at one point and put it
// out of the factor (CSR at n=128, density 0.7 on 2 threads on an Emerald
// Rapids guest, where it won at 0.5 and at 1 and was 1.4x faster than the
// library in the check). Empty when factor <= 1 or fewer than two.
std::vector<std::string> tuneContestants(const std::vector<DispatchPoint>& points, const DispatchPoint& point,
                                         double factor);

// One row of the check: the dispatcher against the fastest candidate.
struct DispatchCheckRow {
  Params params;
  bool tuned = false;            // a tuned point (target 5%), else between tuned points (10%)
  std::string chosen, reason;    // what the dispatcher ran
  double autoS = 0;              // its median over the rounds
  std::string best;              // the fastest candidate measured here (by median)
  double bestS = 0;
  double ratio = 0;              // autoS / bestS: medians
  // The same with each kernel's fastest round (the run least disturbed by
  // other programs): on a shared machine medians move by 20-30% between
  // runs of one kernel, the fastest rounds by a few per cent.
  double autoMinS = 0, bestMinS = 0, minRatio = 0;
  // The choice itself: the kernel the dispatcher ran, timed as itself in the
  // same rounds, over the fastest (0 when it was not among the candidates
  // timed here). When the dispatcher ran the fastest kernel this is exactly
  // 1: auto is that kernel behind one virtual call, and auto/best is then
  // the noise of two timings of one code (on the 2-vCPU guest: a geometric
  // mean of 1.003 over 338 such points, but 1 in 10 beyond 1.05 at 5 rounds).
  // What auto adds to the kernel it runs is `autoS / chosenS`, pooled over
  // all points by the check's summary (dispatchOverhead).
  double chosenS = 0, chosenMinS = 0, choiceRatio = 0, choiceMinRatio = 0;
  double limit = 0;              // 1.05 or 1.10
  // The ratio that decides: the choice's when known, else auto/best.
  // Passes when the median or the fastest-round estimate is within the
  // limit: a slower choice is slower in both; noise rarely hits both alike.
  bool pass() const { return decidingRatio() <= limit; }
  double decidingRatio() const {
    return chosenS > 0 ? std::min(choiceRatio, choiceMinRatio) : std::min(ratio, minRatio);
  }
};

// The dispatcher's own cost: the geometric mean over the rows of
// autoS / chosenS (rows where the chosen kernel was timed), and how many
// rows it pools. 1.0 and 0 rows when none.
struct DispatchOverhead {
  double geomean = 1.0;
  int rows = 0;
};
DispatchOverhead dispatchOverhead(const std::vector<DispatchCheckRow>& rows);
// The check passes the overhead when it is at most this (1%).
inline constexpr double kDispatchOverheadLimit = 1.01;

// The points the check measures: every tuned point, and between each pair
// of neighbouring tuned n (at a tuned density) the geometric mean rounded
// to a multiple of 8, and between neighbouring densities (at a tuned n)
// their geometric mean.
std::vector<std::pair<Params, bool>> dispatchCheckPoints(const DispatchTable& table);

// Times the dispatcher and every candidate not skipped at a neighbouring
// tuned point, interleaved (`options.reps` rounds of one warmup and one
// timed repetition each, kernel after kernel in an order shuffled per round,
// so a drift of the machine, or one kernel's after-effects, hit them alike),
// and compares the medians.
std::vector<DispatchCheckRow> checkDispatch(const DispatchTable& table, const RunOptions& options,
                                            const TuneProgressFn& progress = {},
                                            const std::atomic<bool>* cancel = nullptr);

// The table's times as bench records (one per candidate and point, every
// parameter set), for the who-wins map (plot/who_wins.hpp).
std::vector<BenchRecord> dispatchTableRecords(const DispatchTable& table);

// Every registered kernel's title by id, for a plot's legend.
std::map<std::string, std::string> kernelTitles();

}  // namespace cachescope
