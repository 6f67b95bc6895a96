// `cachescope bench`: times kernels over a parameter sweep and reports the
// records as a table, CSV or JSON (report/writers.hpp), with progress on
// stderr (progress_line.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

#include "bench/runner.hpp"
#include "cli/command.hpp"
#include "cli/plugin_option.hpp"
#include "cli/output_paths.hpp"
#include "cli/plot_output.hpp"
#include "cli/progress_line.hpp"
#include "engine/progress_ticker.hpp"
#include "bench/dispatch_tune.hpp"
#include "plot/bench_plots.hpp"
#include "plot/who_wins.hpp"
#include "report/atomic_file.hpp"
#include "report/writers.hpp"

namespace cachescope::cli {

namespace {

struct BenchArgs {
  std::string kernels, n, block, threads, bits, density;
  int reps = 5;
  int warmup = 1;
  std::string format = "table";
  std::string out;
  std::string plot;
  std::string baseline;
  bool dryRun = false;
  bool quiet = false;
  bool whoWins = false;
};

// Below this a run needs no warning: it is over before one would act on it.
constexpr double kEstimateNoticeS = 10;

// The time a sweep still needs, for the ETA: each run left costs its work at
// the rate its kernel has shown so far in this sweep (before that, at
// kEstimateRate), less the time the current run has already taken. Kernels
// differ by 100x in speed and jobs by 1000x in work, so counting jobs, or
// work at one rate, would lie.
class SweepEta {
 public:
  SweepEta(const std::vector<Job>& jobs, const RunOptions& o)
      : jobs_(jobs), runs_(std::max(0, o.warmup) + std::max(1, o.reps)) {}

  // At each progress report (a job starts, or one of its runs ended).
  void report(const Progress& p, double now) {
    if (p.job != job_) {
      job_ = p.job;
    } else if (p.run > 0) {
      Measured& m = measured_[jobs_[std::size_t(p.job)].kernel];
      m.work += work(std::size_t(p.job));
      m.seconds += now - runStart_;
    }
    runStart_ = now;
    run_ = p.run;
  }

  double remaining(double now) const {
    if (job_ < 0) return 0;
    double left = 0;
    for (std::size_t j = std::size_t(job_); j < jobs_.size(); ++j) {
      const int runs = j == std::size_t(job_) ? runs_ - run_ : runs_;
      left += runs * work(j) / rate(jobs_[j].kernel);
    }
    return std::max(0.0, left - (now - runStart_));
  }

 private:
  struct Measured {
    double work = 0, seconds = 0;
  };
  double work(std::size_t j) const { return std::max(1.0, jobs_[j].kernel->work(jobs_[j].params)); }
  double rate(const Kernel* k) const {
    auto it = measured_.find(k);
    return it != measured_.end() && it->second.seconds > 0 ? it->second.work / it->second.seconds : kEstimateRate;
  }

  const std::vector<Job>& jobs_;
  int runs_;
  int job_ = -1, run_ = 0;
  double runStart_ = 0;
  std::map<const Kernel*, Measured> measured_;
};

int runBench(const BenchArgs& a) {
  requireDistinctOutputs({{"--out", a.out}, {"--plot", a.plot}});
  if (a.reps < 1) throw UsageError("--reps must be >= 1");
  if (a.warmup < 0) throw UsageError("--warmup must be >= 0");
  Format format;
  if (!parseFormat(a.format, format)) throw UsageError("--format must be table, csv or json");

  // Outputs first: a bad path is reported at once, not after planning (or
  // running) a sweep whose result could not be kept.
  std::optional<AtomicFile> out;
  if (!a.out.empty()) out.emplace(a.out);
  std::optional<PlotOutput> plotOut;
  if (!a.plot.empty()) plotOut.emplace(a.plot);

  SweepSpec spec;
  spec.kernels = splitIdList(a.kernels);
  if (!a.n.empty()) spec.n = parseIntList(a.n, "n");
  if (!a.block.empty()) spec.block = parseIntList(a.block, "block");
  if (!a.threads.empty()) spec.threads = parseIntList(a.threads, "threads");
  if (!a.bits.empty()) spec.bits = parseIntList(a.bits, "bits");
  if (!a.density.empty()) spec.density = parseDoubleList(a.density, "density");
  std::vector<Job> jobs = planSweep(spec);
  if (a.whoWins) {
    if (a.plot.empty()) throw UsageError("--who-wins draws the map into --plot FILE.svg|png|pdf: give --plot");
    std::vector<int> ns = spec.n;
    std::sort(ns.begin(), ns.end());
    ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
    if (spec.kernels.size() < 2 || ns.size() < 2 || (spec.threads.size() < 2 && spec.density.size() < 2))
      throw UsageError("--who-wins needs two or more --kernels, two or more --n and two or more --threads or "
                       "--density values (a map of n x threads, or density x n)");
  }
  const std::vector<std::string> notes = parameterUseNotes(spec);
  RunOptions options{a.warmup, a.reps};

  ReportOptions report;
  if (!a.baseline.empty()) {
    const Kernel* b = findKernel(a.baseline);
    if (!b)
      throw UsageError("--baseline: unknown kernel '" + a.baseline + "' (did you mean '" +
                       nearestKernelId(a.baseline) + "'?)");
    if (std::find(spec.kernels.begin(), spec.kernels.end(), a.baseline) == spec.kernels.end())
      throw UsageError("--baseline " + a.baseline + " is not among --kernels: add it there to compare against it");
    report.baseline = a.baseline;
  } else {
    report.baseline = kernelRoles().baseline;  // a speedup column when the sweep has it
  }

  for (const std::string& note : notes) std::cerr << "bench: note: " << note << '\n';
  const SweepEstimate estimate = estimateSweep(jobs, options);
  if (a.dryRun || estimate.seconds > kEstimateNoticeS) {
    char rate[16];
    std::snprintf(rate, sizeof rate, "%g", kEstimateRate / 1e9);
    std::cerr << "bench: " << jobs.size() << (jobs.size() == 1 ? " job, " : " jobs, ") << std::size_t(estimate.runs)
              << " runs: roughly " << durationWords(estimate.seconds) << " (counting " << rate
              << " GFLOP/s, GOP/s or GB/s; tuned kernels are faster, naive ones at large n slower)"
              << (a.dryRun ? "" : "; Ctrl-C stops") << '\n';
  }
  if (a.dryRun) return 0;  // the outputs' temporaries go with them, unwritten

  std::optional<ProgressLine> line;
  if (!a.quiet) line.emplace(std::cerr, "bench", ::isatty(STDERR_FILENO) != 0, estimate.seconds);
  SweepEta eta(jobs, options);
  ProgressFn progress;
  if (line) {
    progress = [&](const Progress& p) {
      const double now = line->elapsed();
      eta.report(p, now);
      const double left = eta.remaining(now);
      const double f = now + left > 0 ? now / (now + left) : 0;
      if (p.run == 0)
        line->step("[" + std::to_string(p.job + 1) + "/" + std::to_string(p.jobs) + "] " + p.kernel + " " +
                       jobParamsText(jobs[std::size_t(p.job)]),
                   f);
      else
        line->update("run " + std::to_string(p.run) + "/" + std::to_string(p.runs), f);
    };
  }
  std::vector<BenchRecord> records;
  {
    std::optional<engine::ProgressTicker> ticker;
    if (line && ::isatty(STDERR_FILENO)) ticker.emplace([&] { line->tick(); }, std::chrono::milliseconds(250));
    records = runSweep(jobs, options, nullptr, progress);
  }
  if (line) line->finish();

  std::string text = formatRecords(records, format, report);
  // The table shows its warnings itself; CSV, JSON and files get them here too.
  if (format != Format::Table || out) {
    // Each distinct warning once, with the results it is about.
    std::vector<std::pair<std::string, std::vector<std::string>>> seen;
    for (const BenchRecord& r : records)
      for (const std::string& w : r.warnings) {
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == w; });
        if (it == seen.end()) it = seen.insert(seen.end(), {w, {}});
        it->second.push_back(r.kernel + " n=" + std::to_string(r.n));
      }
    for (const auto& [w, rows] : seen) {
      std::string which = rows.size() == records.size() && rows.size() > 1 ? "all " + std::to_string(rows.size()) + " results"
                                                                           : rows.front();
      if (rows.size() > 1 && rows.size() < records.size()) which += " and " + std::to_string(rows.size() - 1) + " more";
      std::cerr << "bench: warning: " << which << ": " << w << '\n';
    }
  } else {
    // The table has them among its notes; an unreliable number is said on
    // stderr too, where a script that keeps only stdout still sees it.
    for (const BenchRecord& r : records)
      if (!r.unreliable.empty())
        std::cerr << "bench: warning: " << r.kernel << " n=" << r.n << ": unreliable: " << r.unreliable << '\n';
  }
  if (out) {
    out->commit(text);
    std::cerr << "wrote " << a.out << '\n';
  } else {
    std::cout << text;
  }
  if (plotOut && a.whoWins) {
    const std::vector<plot::Plot> maps = plot::whoWinsPlots(records, kernelTitles());
    if (maps.empty()) throw RunFailure("--who-wins: fewer than two kernels ran at two sizes: no map to draw");
    plotOut->writeAll(maps);
    std::cerr << "wrote " << a.plot << '\n';
  } else if (plotOut) {
    plotOut->writeBench(records);
    std::cerr << "wrote " << a.plot << '\n';
  }
  for (const BenchRecord& r : records)
    if (r.outcome != Outcome::Ok) return 1;
  return 0;
}

}  // namespace

void addBenchCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "bench", "Time kernels over a parameter sweep (medians of repetitions). A list holds at most " +
                   std::to_string(kMaxListValues) + " values and a sweep at most " + std::to_string(kMaxSweepJobs) +
                   " jobs; a run estimated over " + std::to_string(int(kEstimateNoticeS)) +
                   " s says how long first. Progress goes to stderr: one live line on a terminal, a line per job "
                   "otherwise.\nTable and CSV start with the cachescope version, date and host (CSV: lines "
                   "beginning '# '); every row has its unit, the footprint of its operands against fp32, the error "
                   "against fp32 (quantized, sparse), sparse effective and dense-equivalent rates, and warnings "
                   "(repetitions spread over max/min 1.5x, load average >= cores, a block clamped to n)");
  auto a = std::make_shared<BenchArgs>();
  app->add_option("--kernels", a->kernels, "Kernel ids, comma separated (see 'cachescope list')")->required();
  app->add_option("--n", a->n, "Matrix sizes: list or range, e.g. 256,512 or 64:1024:x2 (default 256)");
  app->add_option("--block", a->block,
                  "Tile sizes for the kernels that use a block (see list), e.g. 16:128:x2 (default 64); "
                  "a block above n runs as n");
  app->add_option("--threads", a->threads, "Thread counts, at most this machine's cores, e.g. 1,2 (default 1)");
  app->add_option("--bits", a->bits, "Number widths for the kernels that take bits: 16 (bf16), 8, 4 (int) (default: the kernel's own)");
  app->add_option("--density", a->density, "Share of nonzeros kept for the sparse kernels, in (0,1] (default 1)");
  app->add_option("--reps", a->reps, "Timed repetitions per point (default 5)");
  app->add_option("--warmup", a->warmup, "Untimed runs before timing (default 1)");
  app->add_option("--format", a->format, "table | csv | json (default table)");
  app->add_option("--out", a->out, "Write the result to FILE (atomically) instead of stdout");
  app->add_option("--baseline", a->baseline,
                  "Kernel (one of --kernels) the speedup column is measured against (default: " +
                      kernelRoles().baseline + ", when selected)");
  app->add_option("--plot", a->plot,
                  "Also draw the results to FILE.svg, FILE.png or FILE.pdf (" + std::to_string(plot::kExportWidth) +
                      "x" + std::to_string(plot::kExportHeight) +
                      ", no display needed): bars, or a sweep against the parameter that varies");
  app->add_flag("--who-wins", a->whoWins,
                "--plot draws the who-wins map instead: the fastest kernel per n x threads (at density 1) and per "
                "density x n, coloured by kernel (needs 2+ kernels, 2+ n and 2+ threads or densities)");
  app->add_flag("--dry-run", a->dryRun,
                "Check the options and outputs, print the job count and a rough run time, run nothing");
  app->add_flag("--quiet", a->quiet, "No progress on stderr (notes, warnings and errors still go there)");
  auto plugins = addPluginOptions(app);
  commands.push_back({app, [a, plugins] {
                        loadPlugins(*plugins);
                        return runBench(*a);
                      }});
}

}  // namespace cachescope::cli
